import {
  groupBy,
  normalizeRanges,
  parseSequenceSpace,
  subtractRanges,
  toRanges,
  type AckState,
  type SeqRange,
} from '@logstream/shared-types';
import { activeSpacesKey, openSpacesKey, scriptKeys, spaceKeys, type SpaceKeys } from './keys';
import { defineScript, type ScriptCall, type RedisClient } from '@logstream/runtime';
import { FORGET_RETAKEN_SCRIPT } from './scripts/forget-retaken';
import { MARK_LOST_SCRIPT } from './scripts/mark-lost';
import { PERSIST_SCRIPT } from './scripts/persist';
import { READ_STATE_SCRIPT } from './scripts/read-state';
import { RECEIVE_SCRIPT } from './scripts/receive';

/** Options of an {@link AckStore}. */
export interface AckStoreOptions {
  /** Key prefix (the deployment's queue prefix), so that test runs and deployments never meet. */
  prefix: string;
  /**
   * Most intervals (runs of seqs with gaps between them) a space's received set may hold. A request that would open
   * more is refused until the producer fills gaps; nothing is ever given up to stay under it. Default 10 000.
   */
  maxIntervals?: number;
  /** How long a space's state lives after its last change. Default 7 days. */
  stateTtlMs?: number;
  /** Partitions of the watcher's index (QUEUE_PARTITIONS). Default 1. */
  partitions?: number;
  /** The partition of a space (`queueLayout(…).partitionOfSpace`). Default: always 0. */
  partitionOf?: (space: string) => number;
}

/** What the API does with one numbered item of a request (see scripts/receive.ts). */
export type ReceiveVerdict = 'new' | 'resent' | 'verify' | 'duplicate' | 'conflict';

/** One numbered item of a request: its seq and the fingerprint of its content. */
export interface ReceiveItem {
  seq: number;
  fingerprint: string;
}

/** The outcome of {@link AckStore.receive}. */
export type ReceiveResult =
  { kind: 'received'; verdicts: ReceiveVerdict[]; state: AckState } | { kind: 'overflow'; intervals: number };

/** One space's part of {@link AckStore.receiveMany}: its numbered items, in order. */
export interface SpaceReceive {
  space: string;
  items: ReceiveItem[];
}

/** The outcome of one space's call in {@link AckStore.receiveMany}: its result, or the Redis error it met. */
export type SpaceReceiveOutcome = ReceiveResult | { kind: 'failed'; error: Error };

type RawState = [number, number, number, number[], number[], string[], number[]];

/** Ranges from a flat [from, to, from, to …] list. */
function pairs(flat: number[]): SeqRange[] {
  const out: SeqRange[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2)
    out.push([Number(flat[index]), Number(flat[index + 1])]);
  return out;
}

/** "from-to" members as ranges. */
function parseMembers(members: string[]): SeqRange[] {
  return members.map((member) => member.split('-').map(Number) as SeqRange);
}

function toState(space: string, raw: RawState): AckState {
  const [ackTill, persistedTill, highestSeq, missing, persisted, replay, lost] = raw.map((value) =>
    Array.isArray(value) ? value : Number(value),
  ) as RawState;
  const { stream, session } = parseSequenceSpace(space);
  const missingRanges = pairs(missing);
  const lostRanges = pairs(lost);
  return {
    stream,
    ...(session !== undefined && { session }),
    ackTill,
    persistedTill,
    highestSeq,
    missing: missingRanges,
    persisted: pairs(persisted),
    replay: parseMembers(replay),
    lost: lostRanges,
    status:
      missingRanges.length === 0 && lostRanges.length === 0 && persistedTill >= highestSeq ? 'ok' : 'partial',
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Per sequence space (a stream, or one producer session of it) acknowledgement state in Redis. Received, persisted and
 * lost seqs are interval sets, so memory grows with gaps, not with seqs; every change is one Lua script (loaded once
 * with `defineCommand`, called by hash) over keys that share the space's hash tag.
 */
export class AckStore {
  private readonly maxIntervals: number;
  /** How often the receive script renews all of a space's keys (between renewals, only those it wrote). */
  private readonly expiryRefreshMs: number;
  /**
   * The expiry every write gives a space's keys: the state lifetime plus one refresh interval, so that a key the
   * receive script last renewed up to one interval before a change still lives the state lifetime after it.
   */
  private readonly keyLifetimeMs: number;
  private readonly persistScript: ScriptCall;
  private readonly readStateScript: ScriptCall;
  private readonly markLostScript: ScriptCall;
  private readonly forgetRetakenScript: ScriptCall;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: AckStoreOptions,
  ) {
    this.maxIntervals = options.maxIntervals ?? 10_000;
    const stateTtlMs = options.stateTtlMs ?? 7 * DAY_MS;
    this.expiryRefreshMs = Math.floor(stateTtlMs / 8);
    this.keyLifetimeMs = stateTtlMs + this.expiryRefreshMs;
    // Called by name in receiveMany's pipeline.
    defineScript(redis, 'logstreamAckReceive', RECEIVE_SCRIPT);
    this.persistScript = defineScript(redis, 'logstreamAckPersist', PERSIST_SCRIPT);
    this.readStateScript = defineScript(redis, 'logstreamAckReadState', READ_STATE_SCRIPT);
    this.markLostScript = defineScript(redis, 'logstreamAckMarkLost', MARK_LOST_SCRIPT);
    this.forgetRetakenScript = defineScript(redis, 'logstreamAckForgetRetaken', FORGET_RETAKEN_SCRIPT);
  }

  private keys(space: string): SpaceKeys {
    return spaceKeys(this.options.prefix, space);
  }

  /** The watcher partition a space belongs to. */
  partitionOf(space: string): number {
    return this.options.partitionOf?.(space) ?? 0;
  }

  /** The active-space index updates for spaces changed at `now`: one per watcher partition (one key each). */
  private activeIndexUpdates(spaces: string[], now: number) {
    const byPartition = groupBy(spaces, (space) => this.partitionOf(space));
    const partitions = [...byPartition.keys()];
    const updates = [...byPartition].map(([partition, members]) => ({
      zadd: activeSpacesKey(this.options.prefix, partition),
      members: members.flatMap((space) => [now, space]),
    }));
    return { partitions, updates };
  }

  /** Records that a space changed, for the replay watcher's active set. Sent alongside the script, not after it. */
  private touch(space: string, now: number): Promise<unknown> {
    return this.redis.zadd(activeSpacesKey(this.options.prefix, this.partitionOf(space)), now, space);
  }

  /**
   * Marks the numbered items of one request received and returns a verdict per item (in order) with the state after
   * the change, or `overflow` (nothing changed) when they would open more gaps than the space may hold.
   */
  async receive(space: string, items: ReceiveItem[]): Promise<ReceiveResult> {
    const [outcome] = (await this.receiveMany([{ space, items }])) as [SpaceReceiveOutcome];
    if (outcome.kind === 'failed') throw outcome.error;
    return outcome;
  }

  /** The receive script's ARGV (see scripts/receive.ts). */
  private receiveArgs(now: number, items: ReceiveItem[]): (string | number)[] {
    const args: (string | number)[] = [now, this.maxIntervals, this.keyLifetimeMs, this.expiryRefreshMs];
    for (const item of items) args.push(item.seq, item.fingerprint);
    return args;
  }

  /**
   * {@link receive} for several spaces in one round trip: one script call per space (each touches only its own space's
   * keys, so each runs on one Redis Cluster slot), plus one update of the active-space index per watcher partition,
   * sent as one pipeline. Each space's outcome stands alone: a Redis error fails that space's call (`failed`), not the
   * others. When a partition's index update fails, its spaces are reported failed, since the watcher would not see them.
   */
  async receiveMany(calls: SpaceReceive[]): Promise<SpaceReceiveOutcome[]> {
    if (calls.length === 0) return [];
    const now = Date.now();
    const { partitions, updates } = this.activeIndexUpdates(
      calls.map(({ space }) => space),
      now,
    );
    const replies = await this.inOneRoundTrip([
      ...calls.map(({ space, items }) => ({
        script: 'logstreamAckReceive',
        keys: scriptKeys(this.keys(space)),
        args: this.receiveArgs(now, items),
      })),
      ...updates,
    ]);
    const touchedError = new Map(
      partitions.map((partition, index) => [
        partition,
        (replies[calls.length + index] as [Error | null, unknown])[0],
      ]),
    );
    return calls.map(({ space }, index): SpaceReceiveOutcome => {
      const [error, reply] = replies[index] as [Error | null, unknown];
      const failure = error ?? touchedError.get(this.partitionOf(space)) ?? null;
      if (failure) return { kind: 'failed', error: failure };
      const [verdicts, raw] = reply as [unknown, unknown];
      if (verdicts === 'overflow') return { kind: 'overflow', intervals: Number(raw) };
      return {
        kind: 'received',
        verdicts: verdicts as ReceiveVerdict[],
        state: toState(space, raw as RawState),
      };
    });
  }

  /**
   * Sends script calls and index updates together and returns `[error, reply]` per command. On one connection this is
   * one pipeline (one write, one round trip). A Redis Cluster client cannot pipeline keys of different slots, so there
   * they are sent as independent commands, still all at once. A failure of the whole batch (connection lost) becomes
   * every command's error.
   */
  private async inOneRoundTrip(
    commands: (
      | { script: string; keys: string[]; args: (string | number)[] }
      | { zadd: string; members: (string | number)[] }
    )[],
  ): Promise<[Error | null, unknown][]> {
    const send = (
      target: Record<string, (...args: (string | number)[]) => unknown>,
      command: (typeof commands)[number],
    ) =>
      'script' in command
        ? (target[command.script] as (...args: (string | number)[]) => unknown).call(
            target,
            ...command.keys,
            ...command.args,
          )
        : (target.zadd as (...args: (string | number)[]) => unknown).call(
            target,
            command.zadd,
            ...command.members,
          );
    try {
      if (this.redis.isCluster) {
        return await Promise.all(
          commands.map((command) =>
            (send(this.redis as never, command) as Promise<unknown>).then(
              (reply): [Error | null, unknown] => [null, reply],
              (error: Error): [Error | null, unknown] => [error, undefined],
            ),
          ),
        );
      }
      const pipeline = this.redis.pipeline();
      for (const command of commands) send(pipeline as never, command);
      const replies = await pipeline.exec();
      if (!replies) throw new Error('the Redis pipeline was discarded');
      return replies;
    } catch (error) {
      return commands.map(() => [error as Error, undefined]);
    }
  }

  /**
   * Marks seqs of several spaces durably stored in one round trip (one script call per space, one index update), for
   * the worker after a flush. Rejects if any call failed: the flush then fails and its jobs are retried.
   */
  async persistMany(calls: { space: string; seqs: number[] }[]): Promise<void> {
    if (calls.length === 0) return;
    const now = Date.now();
    const replies = await this.inOneRoundTrip([
      ...calls.map(({ space, seqs }) => ({
        script: 'logstreamAckPersist',
        keys: scriptKeys(this.keys(space)),
        args: [now, this.keyLifetimeMs, ...toRanges(seqs).flat()],
      })),
      ...this.activeIndexUpdates(
        calls.map(({ space }) => space),
        now,
      ).updates,
    ]);
    const failure = replies.find(([error]) => error !== null);
    if (failure) throw failure[0] as Error;
  }

  /** Marks seqs of one space as durably stored. */
  persist(space: string, seqs: number[]): Promise<AckState> {
    return this.persistRanges(space, toRanges(seqs));
  }

  /** Marks ranges of one space as durably stored. */
  async persistRanges(space: string, ranges: SeqRange[]): Promise<AckState> {
    const now = Date.now();
    const [reply] = await Promise.all([
      this.persistScript(scriptKeys(this.keys(space)), [
        now,
        this.keyLifetimeMs,
        ...ranges.flat(),
      ]) as Promise<[unknown, RawState]>,
      this.touch(space, now),
    ]);
    return toState(space, reply[1]);
  }

  /** The state of one space (all zero for a space never seen, or one whose state expired). */
  async state(space: string): Promise<AckState> {
    const reply = (await this.readStateScript(scriptKeys(this.keys(space)), [])) as [unknown, RawState];
    return toState(space, reply[1]);
  }

  /** The recently changed spaces with when each last changed, most recent first (at most `limit`), for `GET /ack`. */
  async activeSpaces(limit = 500): Promise<{ space: string; touchedAt: number }[]> {
    const partitions = Array.from({ length: this.options.partitions ?? 1 }, (_, partition) => partition);
    const flats = await Promise.all(
      partitions.map((partition) =>
        this.redis.zrevrange(activeSpacesKey(this.options.prefix, partition), 0, limit - 1, 'WITHSCORES'),
      ),
    );
    const out: { space: string; touchedAt: number }[] = [];
    for (const flat of flats)
      for (let index = 0; index + 1 < flat.length; index += 2)
        out.push({ space: flat[index] as string, touchedAt: Number(flat[index + 1]) });
    return out.sort((a, b) => b.touchedAt - a.touchedAt).slice(0, limit);
  }

  /**
   * What the replay watcher of `partition` examines: spaces changed within `idleAfterMs`, and spaces it marked open. Spaces idle for
   * longer leave the active set here, so the cost of a pass follows the active and open spaces only.
   */
  async spacesToWatch(idleAfterMs: number, partition = 0): Promise<string[]> {
    const since = Date.now() - idleAfterMs;
    const active = activeSpacesKey(this.options.prefix, partition);
    const [recent, open] = await Promise.all([
      this.redis.zrangebyscore(active, since, '+inf'),
      this.redis.smembers(openSpacesKey(this.options.prefix, partition)),
      this.redis.zremrangebyscore(active, '-inf', `(${since}`),
    ]);
    return [...new Set([...recent, ...open])];
  }

  /** Records whether a space has work open, so that it stays watched after it goes idle. */
  async markOpen(space: string, open: boolean): Promise<void> {
    const key = openSpacesKey(this.options.prefix, this.partitionOf(space));
    await (open ? this.redis.sadd(key, space) : this.redis.srem(key, space));
  }

  /**
   * Runs of seqs handed to the queue before `before` (ms) that are not all stored, lowest first. Records whose runs
   * are stored by now are removed, so the in-flight set holds only work still open.
   */
  async unstoredInFlight(space: string, before: number, limit = 1000): Promise<SeqRange[]> {
    const keys = this.keys(space);
    const members = await this.redis.zrangebyscore(keys.inflight, '-inf', before, 'LIMIT', 0, limit);
    if (members.length === 0) return [];
    const stored = await this.storedAround(space, parseMembers(members));
    const open: SeqRange[] = [];
    const done: string[] = [];
    for (const member of members) {
      const rest = subtractRanges(parseMembers([member])[0] as SeqRange, stored);
      if (rest.length === 0) done.push(member);
      else open.push(...rest);
    }
    if (done.length > 0) await this.redis.zrem(keys.inflight, ...done);
    return normalizeRanges(open);
  }

  /** Stored intervals that overlap the given ranges. */
  private async storedAround(space: string, ranges: SeqRange[]): Promise<SeqRange[]> {
    const key = this.keys(space).persisted;
    const lowest = Math.min(...ranges.map(([from]) => from));
    const highest = Math.max(...ranges.map(([, to]) => to));
    const [below, within] = await Promise.all([
      this.redis.zrevrangebyscore(key, lowest, '-inf', 'LIMIT', 0, 1),
      this.redis.zrangebyscore(key, `(${lowest}`, highest),
    ]);
    return parseMembers([...below, ...within]);
  }

  /**
   * Seqs received but not stored, from persistedTill up (at most `limit` intervals looked at), and when the space last
   * changed: the replay watcher's backstop for received logs whose in-flight record is gone (Redis lost part of it).
   */
  async unstored(space: string, limit = 1000): Promise<{ ranges: SeqRange[]; touchedAt: number }> {
    const keys = this.keys(space);
    const [received, persisted, touched] = await Promise.all([
      this.redis.zrange(keys.received, 0, limit - 1),
      this.redis.zrange(keys.persisted, 0, limit - 1),
      this.redis.hget(keys.state, 'touched'),
    ]);
    const stored = parseMembers(persisted);
    const ranges = parseMembers(received).flatMap((range) => subtractRanges(range, stored));
    return { ranges, touchedAt: Number(touched ?? 0) };
  }

  /**
   * Forgets that seqs were taken again for a replay (their copy was lost too: its job vanished), so that the next copy
   * the producer sends is taken rather than counted as a duplicate of the lost one.
   */
  async forgetRetaken(space: string, ranges: SeqRange[]): Promise<void> {
    if (ranges.length === 0) return;
    await this.forgetRetakenScript(scriptKeys(this.keys(space)), ranges.flat());
  }

  /** Opens a replay range: the producer is asked to resend it, and the API takes those seqs again. */
  async openReplay(space: string, from: number, to: number): Promise<void> {
    await this.redis.zadd(this.keys(space).replay, from, `${from}-${to}`);
  }

  /** Closes a replay range (completed). */
  async closeReplay(space: string, from: number, to: number): Promise<void> {
    await this.redis.zrem(this.keys(space).replay, `${from}-${to}`);
  }

  /** Closes a replay range that expired and records what of it is not stored as lost; returns how many seqs. */
  async markLost(space: string, from: number, to: number): Promise<number> {
    return Number(await this.markLostScript(scriptKeys(this.keys(space)), [from, to, this.keyLifetimeMs]));
  }

  /** Gap first-seen times kept by the replay watcher: gap start → ms. */
  async gapAges(space: string): Promise<Map<number, number>> {
    const raw = await this.redis.hgetall(this.keys(space).gapAges);
    return new Map(Object.entries(raw).map(([from, ms]) => [Number(from), Number(ms)]));
  }

  /** Replaces the gap first-seen times of a space. */
  async setGapAges(space: string, ages: Map<number, number>): Promise<void> {
    const key = this.keys(space).gapAges;
    const multi = this.redis.multi().del(key);
    if (ages.size > 0) {
      multi.hset(key, Object.fromEntries([...ages].map(([from, ms]) => [String(from), String(ms)])));
      multi.pexpire(key, this.keyLifetimeMs);
    }
    await multi.exec();
  }

  /** Records when replay ranges were first reported to a producer (for the requested status), in one round trip. */
  async markRequested(space: string, ranges: SeqRange[]): Promise<void> {
    if (ranges.length === 0) return;
    const key = this.keys(space).requested;
    const pipeline = this.redis.pipeline();
    const now = String(Date.now());
    for (const [from, to] of ranges) pipeline.hsetnx(key, `${from}-${to}`, now);
    pipeline.pexpire(key, this.keyLifetimeMs);
    await pipeline.exec();
  }

  /** When a replay range was first reported to a producer, if it was. */
  async requestedAt(space: string, from: number, to: number): Promise<Date | undefined> {
    const ms = await this.redis.hget(this.keys(space).requested, `${from}-${to}`);
    return ms ? new Date(Number(ms)) : undefined;
  }

  /** Whether every seq of from..to is stored according to the state. */
  async isPersisted(space: string, from: number, to: number): Promise<boolean> {
    const [holding] = await this.redis.zrevrangebyscore(
      this.keys(space).persisted,
      from,
      '-inf',
      'LIMIT',
      0,
      1,
    );
    if (!holding) return false;
    const [, holdingTo] = parseMembers([holding])[0] as SeqRange;
    return holdingTo >= to;
  }
}
