import { BatchBuffer } from './batch-buffer';

/** A flush function that records batches and lets the test decide when each finishes. */
function recorder() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  const flush = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(items);
      gates.push(resolve);
      failures.push(reject);
    });
  return {
    batches,
    flush,
    release: (i: number) => gates[i]?.(),
    fail: (i: number) => failures[i]?.(new Error('db down')),
  };
}

const settled = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
};

describe('BatchBuffer', () => {
  afterEach(() => jest.useRealTimers());

  it('flushes full batches at once and keeps the remainder for the timer', async () => {
    jest.useFakeTimers();
    const r = recorder();
    const buffer = new BatchBuffer<number>({ size: 3, flushMs: 200, lanes: 4, flush: r.flush });
    void buffer.add([1, 2, 3, 4, 5, 6, 7]);
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    jest.advanceTimersByTime(199);
    expect(r.batches).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(r.batches[2]).toEqual([7]);
  });

  it('resolves an add only when every one of its items was flushed', async () => {
    const r = recorder();
    const buffer = new BatchBuffer<number>({ size: 2, flushMs: 10_000, lanes: 2, flush: r.flush });
    const job = buffer.add([1, 2, 3, 4]);
    r.release(0);
    expect(await settled(job)).toBe('pending');
    r.release(1);
    expect(await settled(job)).toBe('resolved');
  });

  it('gathers items of several adds into one batch and rejects all adds of a failed batch', async () => {
    const r = recorder();
    const buffer = new BatchBuffer<number>({ size: 4, flushMs: 10_000, lanes: 1, flush: r.flush });
    const a = buffer.add([1, 2]);
    const b = buffer.add([3, 4]);
    expect(r.batches).toEqual([[1, 2, 3, 4]]);
    r.fail(0);
    await expect(a).rejects.toThrow('db down');
    await expect(b).rejects.toThrow('db down');
  });

  it('never runs more flushes at once than it has lanes', async () => {
    const r = recorder();
    const buffer = new BatchBuffer<number>({ size: 1, flushMs: 10_000, lanes: 2, flush: r.flush });
    void buffer.add([1, 2, 3]);
    expect(r.batches).toEqual([[1], [2]]);
    r.release(0);
    await settled(Promise.resolve());
    expect(r.batches).toEqual([[1], [2], [3]]);
  });

  it('close flushes the remainder without waiting for the timer and refuses new items', async () => {
    const flushed: number[][] = [];
    const buffer = new BatchBuffer<number>({
      size: 10,
      flushMs: 60_000,
      lanes: 1,
      flush: async (items) => void flushed.push(items),
    });
    const job = buffer.add([1, 2]);
    await buffer.close();
    await expect(job).resolves.toBeUndefined();
    expect(flushed).toEqual([[1, 2]]);
    await expect(buffer.add([3])).rejects.toThrow('closed');
  });

  it('buffers a job delivered again while its logs are held only once, and settles both deliveries together', async () => {
    const r = recorder();
    const buffer = new BatchBuffer<number>({ size: 2, flushMs: 1000, lanes: 1, flush: r.flush });
    const first = buffer.add([1, 2, 3, 4], 'job-1');
    const again = buffer.add([1, 2, 3, 4], 'job-1');
    expect(again).toBe(first);
    expect(buffer.waiting + r.batches.flat().length).toBe(4);
    expect(buffer.heldKeys).toBe(1);
    r.release(0);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    r.release(1);
    await first;
    expect(buffer.heldKeys).toBe(0);
    // Once settled, the same key is buffered afresh (a later retry of the job).
    void buffer.add([5, 6], 'job-1');
    expect(buffer.heldKeys).toBe(1);
  });
});
