import clusterKeySlot from 'cluster-key-slot';
import { QUEUE_NAMES, queueLayout } from './queues';

describe('queueLayout', () => {
  it('keeps the plain queue names on one Redis with one queue', () => {
    const layout = queueLayout({ partitions: 1, cluster: false });
    expect(layout.ingest).toEqual([QUEUE_NAMES.ingest]);
    expect(layout.deadLetter).toBe(QUEUE_NAMES.deadLetter);
    expect(layout.partitionOfStream('payment/eu-1')).toBe(0);
  });

  it('gives every queue a hash tag on a cluster, even with one queue', () => {
    const layout = queueLayout({ partitions: 1, cluster: true });
    expect(layout.ingest).toHaveLength(1);
    for (const name of [...layout.ingest, layout.deadLetter]) {
      expect(name).toMatch(/\{[^}]+\}/);
      // BullMQ refuses ':' in names; its keys are `<prefix>:<name>:<suffix>`, one slot per queue thanks to the tag.
      expect(name).not.toContain(':');
      expect(clusterKeySlot(`logstream:${name}:wait`)).toBe(clusterKeySlot(`logstream:${name}:active`));
    }
  });

  it('spreads K queues evenly over the slot range, so over the masters', () => {
    for (const partitions of [2, 3, 4, 8]) {
      const layout = queueLayout({ partitions, cluster: false });
      expect(new Set(layout.ingest).size).toBe(partitions);
      layout.ingest.forEach((name, index) => {
        const slot = clusterKeySlot(`logstream:${name}:wait`);
        expect(slot).toBeGreaterThanOrEqual(Math.floor((index * 16_384) / partitions));
        expect(slot).toBeLessThan(Math.floor(((index + 1) * 16_384) / partitions));
      });
    }
  });

  it('maps a stream, and each of its producer sessions, to one queue, the same in every process', () => {
    const layout = queueLayout({ partitions: 4, cluster: true });
    const again = queueLayout({ partitions: 4, cluster: true });
    const streams = Array.from({ length: 200 }, (_, index) => `service-${index}/eu-${index % 3}`);
    const used = new Set(streams.map((stream) => layout.partitionOfStream(stream)));
    expect([...used].sort()).toEqual([0, 1, 2, 3]);
    for (const stream of streams) {
      expect(again.partitionOfStream(stream)).toBe(layout.partitionOfStream(stream));
      expect(layout.partitionOfSpace(`${stream}#k3XbQ9f1`)).toBe(layout.partitionOfStream(stream));
      expect(layout.partitionOfSpace(stream)).toBe(layout.partitionOfStream(stream));
    }
  });
});
