import type { AckState } from '@logstream/shared-types';
import { applyAckState, ackStateOfReceipt } from './ack-apply';
import { itemJson, PendingBuffer, requestBody, resendCooldown } from './pending-buffer';

function filled(count: number): PendingBuffer {
  const buffer = new PendingBuffer();
  for (let seq = 1; seq <= count; seq++) buffer.add(seq, `{"level":"info","message":"m${seq}"}`);
  return buffer;
}

const ctx = {
  persistedFloor: 0,
  now: 10_000,
  replayCooldownMs: 1000,
  replayCooldownMaxMs: 30_000,
  replayBudget: 1000,
  authoritative: false,
};
const state: AckState = {
  stream: 's',
  ackTill: 0,
  persistedTill: 0,
  missing: [],
  persisted: [],
  replay: [],
  lost: [],
  highestSeq: 0,
  status: 'ok' as const,
};

describe('PendingBuffer', () => {
  it('takes batches lowest seq first, bounded by items and bytes', () => {
    const buffer = filled(10);
    expect(buffer.takeBatch(4, 1e6).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const oneLog = buffer.get(5)!.json.length + 1;
    expect(buffer.takeBatch(10, oneLog * 2).map((e) => e.seq)).toEqual([5, 6]);
    buffer.markSent([buffer.get(1)!], 0);
    buffer.requeue([1]);
    expect(buffer.takeBatch(3, 1e6).map((e) => e.seq)).toEqual([1, 7, 8]);
  });

  it('puts seq first in each request item and builds the body for the stream', () => {
    expect(itemJson({ seq: 7, json: '{"level":"info"}' })).toBe('{"seq":7,"level":"info"}');
    const buffer = filled(2);
    const body = JSON.parse(requestBody({ service: 'auth', instance: 'a1' }, buffer.takeBatch(2, 1e6)));
    expect(body).toEqual({
      service: 'auth',
      instance: 'a1',
      logs: [
        { seq: 1, level: 'info', message: 'm1' },
        { seq: 2, level: 'info', message: 'm2' },
      ],
    });
  });

  it('requeues unanswered logs after the sent timeout, received ones only when a received timeout is given', () => {
    const buffer = filled(4);
    const batch = buffer.takeBatch(4, 1e6);
    buffer.markSent(batch, 1_000);
    buffer.markReceived(3);
    buffer.markReceived(4);
    expect(buffer.requeueStale(2_000, 3_000, 5_000)).toBe(0);
    expect(buffer.requeueStale(4_000, 3_000, undefined)).toBe(2);
    expect(batch.map((entry) => entry.state)).toEqual(['queued', 'queued', 'received', 'received']);
    expect(buffer.requeueStale(60_000, 3_000, undefined)).toBe(0);
    expect(buffer.requeueStale(6_000, 3_000, 5_000)).toBe(2);
  });

  it('forgets logs once persistedTill covers them', () => {
    const buffer = filled(10);
    expect(buffer.dropThrough(4)).toBe(4);
    expect(buffer.size).toBe(6);
    expect(buffer.get(4)).toBeUndefined();
    expect(buffer.dropThrough(3)).toBe(0);
  });
});

describe('applyAckState', () => {
  it('marks received, drops persisted and resends only unanswered logs in missing ranges', () => {
    const buffer = filled(10);
    const batch = buffer.takeBatch(10, 1e6);
    buffer.markSent(batch, 5_000);
    for (const seq of [1, 2, 3, 4, 5, 8, 9, 10]) buffer.markReceived(seq);
    const effects = applyAckState(
      buffer,
      { ...state, ackTill: 5, persistedTill: 2, missing: [[6, 7]], highestSeq: 10 },
      ctx,
    );
    expect(effects.persisted).toBe(2);
    expect(effects.resentMissing).toBe(2);
    expect(buffer.get(6)?.state).toBe('queued');
    expect(buffer.get(8)?.state).toBe('received');
    expect(buffer.size).toBe(8);
  });

  it('doubles the resend cooldown with each send, up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((sends) => resendCooldown({ sends }, 1000, 5000))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('resends replay ranges except logs sent within the cooldown, and ignores persisted ones', () => {
    const buffer = filled(6);
    const batch = buffer.takeBatch(6, 1e6);
    buffer.markSent(batch.slice(0, 3), 2_000);
    buffer.markSent(batch.slice(3), 9_500);
    for (const entry of batch) buffer.markReceived(entry.seq);
    const effects = applyAckState(
      buffer,
      { ...state, ackTill: 6, persistedTill: 1, replay: [[1, 6]], highestSeq: 6 },
      ctx,
    );
    expect(effects.resentReplay).toBe(2);
    expect([buffer.get(2)?.state, buffer.get(3)?.state, buffer.get(4)?.state]).toEqual([
      'queued',
      'queued',
      'received',
    ]);
  });

  it('queues at most the replay budget, lowest seqs first', () => {
    const buffer = filled(6);
    const batch = buffer.takeBatch(6, 1e6);
    buffer.markSent(batch, 0);
    const effects = applyAckState(
      buffer,
      { ...state, replay: [[1, 6]], highestSeq: 6 },
      { ...ctx, replayBudget: 2 },
    );
    expect(effects.resentReplay).toBe(2);
    expect(batch.map((entry) => entry.state)).toEqual(['queued', 'queued', 'sent', 'sent', 'sent', 'sent']);
  });

  it('resends received logs above highestSeq only when the state is authoritative', () => {
    const buffer = filled(4);
    const batch = buffer.takeBatch(4, 1e6);
    buffer.markSent(batch, 1_000);
    for (const entry of batch) buffer.markReceived(entry.seq);
    const lost = { ...state, highestSeq: 0 };
    expect(applyAckState(buffer, lost, ctx).resentForgotten).toBe(0);
    expect(applyAckState(buffer, lost, { ...ctx, authoritative: true }).resentForgotten).toBe(4);
  });

  it('resends received logs the server lists as missing only from an authoritative poll', () => {
    const buffer = filled(6);
    const batch = buffer.takeBatch(6, 1e6);
    buffer.markSent(batch, 1_000);
    for (const entry of batch) buffer.markReceived(entry.seq);
    const rebuilt = {
      ...state,
      ackTill: 2,
      persistedTill: 2,
      missing: [[3, 4]] as [number, number][],
      highestSeq: 6,
    };
    expect(applyAckState(buffer, rebuilt, ctx).resentMissing).toBe(0);
    expect(applyAckState(buffer, rebuilt, { ...ctx, authoritative: true }).resentMissing).toBe(2);
    expect(batch.slice(2).map((entry) => entry.state)).toEqual(['queued', 'queued', 'received', 'received']);
  });

  it('forgets logs stored above a gap, and keeps the ones in the gap', () => {
    const buffer = filled(10);
    const batch = buffer.takeBatch(10, 1e6);
    buffer.markSent(batch, 1000);
    const effects = applyAckState(
      buffer,
      { ...state, ackTill: 3, persistedTill: 3, missing: [[4, 5]], persisted: [[6, 9]], highestSeq: 10 },
      ctx,
    );
    expect(effects.persisted).toBe(7);
    expect([...buffer.all()].map((entry) => entry.seq)).toEqual([4, 5, 10]);
  });

  it('sends again what the server gave up as lost while this producer still holds it', () => {
    const buffer = filled(6);
    const batch = buffer.takeBatch(6, 1e6);
    buffer.markSent(batch, 1000);
    const effects = applyAckState(buffer, { ...state, lost: [[2, 3]], highestSeq: 6 }, ctx);
    expect(effects.resentLost).toBe(2);
    expect([buffer.get(2)?.state, buffer.get(3)?.state, buffer.get(4)?.state]).toEqual(['queued', 'queued', 'sent']);
  });

  it('reads the ACK state from either receipt form', () => {
    const own = { ...state, stream: 'auth/x', session: 'p1', ackTill: 3, highestSeq: 3 };
    expect(
      ackStateOfReceipt({ batchId: 'b', accepted: 1, rejected: [], streams: { 'auth/x#p1': own } }, 'auth/x#p1'),
    ).toBe(own);
    expect(
      ackStateOfReceipt({ batchId: 'b', accepted: 1, rejected: [], ackTill: 4, persistedTill: 2 }, 'auth'),
    ).toMatchObject({
      ackTill: 4,
      persistedTill: 2,
      missing: [],
    });
    expect(ackStateOfReceipt({ batchId: 'b', accepted: 1, rejected: [] }, 'auth')).toBeUndefined();
  });
});
