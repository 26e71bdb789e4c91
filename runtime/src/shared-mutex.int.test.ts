import { Redis } from 'ioredis';
import { Redlock } from '@sesamecare-oss/redlock';
import { testRedisUrl, uniqueName, waitFor } from '@logstream/devstack';
import { SharedMutex } from './shared-mutex';

describe('SharedMutex on the real Redis', () => {
  let connections: Redis[];
  let key: string;

  beforeEach(() => {
    // One connection per "process": the mutexes share nothing but Redis.
    connections = [new Redis(testRedisUrl()), new Redis(testRedisUrl()), new Redis(testRedisUrl())];
    key = uniqueName('mutex');
  });
  afterEach(async () => {
    await connections[0]?.del(key);
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('runs the tasks of several processes one at a time, each of them', async () => {
    const mutexes = connections.map((connection) => new SharedMutex(connection, key));
    let inside = 0;
    let mostInside = 0;
    const ran: number[] = [];
    const lockSeen: number[] = [];
    const task = (process: number) => async () => {
      inside += 1;
      mostInside = Math.max(mostInside, inside);
      // A round trip while inside: the other processes' attempts run meanwhile, and the lock is there to see.
      lockSeen.push(await (connections[2] as Redis).exists(key));
      inside -= 1;
      ran.push(process);
      return process;
    };
    const results = await Promise.all(
      mutexes.flatMap((mutex, process) => Array.from({ length: 8 }, () => mutex.run(task(process)))),
    );
    expect(mostInside).toBe(1);
    expect(lockSeen).toEqual(Array.from({ length: 24 }, () => 1));
    expect(ran).toHaveLength(24);
    expect(results.filter((process) => process === 2)).toHaveLength(8);
    expect(await connections[0]?.exists(key)).toBe(0);
  });

  it('keeps the lock while a long task runs, and fails a waiter that waited too long', async () => {
    const holder = new SharedMutex(connections[0] as Redis, key, { holdMs: 300 });
    const waiter = new SharedMutex(connections[1] as Redis, key, { waitMs: 400 });
    let release: () => void = () => undefined;
    const held = holder.run(() => new Promise<void>((resolve) => (release = resolve)));
    await waitFor(
      async () => (await connections[2]?.exists(key)) === 1,
      5_000,
      'the holder never took the lock',
    );
    // Past its hold time the running task still has the lock: extended automatically.
    await expect(waiter.run(async () => 'ran')).rejects.toThrow();
    expect(await connections[2]?.exists(key)).toBe(1);
    release();
    await held;
    expect(await waiter.run(async () => 'ran')).toBe('ran');
  });

  it('settles as its task did when the lock is gone before the release (Redis restarted empty)', async () => {
    const mutex = new SharedMutex(connections[0] as Redis, key);
    const value = await mutex.run(async () => {
      await connections[1]?.del(key);
      return 'stored';
    });
    expect(value).toBe('stored');
    await expect(
      mutex.run(async () => {
        await connections[1]?.del(key);
        throw new Error('the task failed');
      }),
    ).rejects.toThrow('the task failed');
  });

  it('is taken by the next process once a holder that died stops renewing it', async () => {
    // A lock taken and never released nor renewed, as a killed process leaves it.
    await new Redlock([connections[0] as Redis]).acquire([key], 400);
    const next = new SharedMutex(connections[1] as Redis, key, { waitMs: 5_000 });
    const started = Date.now();
    expect(await next.run(async () => 'ran')).toBe('ran');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
