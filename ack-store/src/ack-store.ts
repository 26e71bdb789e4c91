import type { Redis } from 'ioredis';
import type { AckState } from '@logstream/shared-types';
import { PERSIST, READ, RECEIVE } from './scripts';

type RawState = [number, number, number, number[], string[]];
type ScriptReply = [string[], RawState];

/** Options of an {@link AckStore}. */
export interface AckStoreOptions {
  /** Key prefix (the deployment's queue prefix), so that test runs and deployments never meet. */
  prefix: string;
  /** Most sparse seqs tracked above a watermark per stream before the oldest gap is given up. Default 100 000. */
  maxTracked?: number;
}

/** Ranges from a flat [from, to, from, to …] list. */
function pairs(flat: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([Number(flat[i]), Number(flat[i + 1])]);
  return out;
}

/** "from-to" members as ranges. */
function ranges(members: string[]): [number, number][] {
  return members.map((member) => member.split('-').map(Number) as [number, number]);
}

function toState(stream: string, raw: RawState): AckState {
  const [ackTill, persistedTill, highestSeq, missing, replay] = raw;
  const missingRanges = pairs(missing);
  const replayRanges = ranges(replay);
  return {
    stream,
    ackTill: Number(ackTill),
    persistedTill: Number(persistedTill),
    highestSeq: Number(highestSeq),
    missing: missingRanges,
    replay: replayRanges,
    status: missingRanges.length === 0 && Number(persistedTill) >= Number(highestSeq) ? 'ok' : 'partial',
  };
}

/**
 * Per-stream acknowledgement state in Redis, changed only by Lua scripts so that each update is atomic:
 * the API marks seqs received, the worker marks them persisted after the write, the replay watcher reads gaps and
 * opens or closes replay ranges.
 */
export class AckStore {
  private readonly maxTracked: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: AckStoreOptions,
  ) {
    this.maxTracked = options.maxTracked ?? 100_000;
  }

  private keys(stream: string): string[] {
    const base = `${this.options.prefix}:ack:{${stream}}`;
    return [
      `${base}`,
      `${base}:recv`,
      `${base}:pers`,
      `${base}:inflight`,
      `${base}:replay`,
      this.streamsKey(),
    ];
  }

  private streamsKey(): string {
    return `${this.options.prefix}:ack:streams`;
  }

  private async run(script: string, stream: string, seqs: number[]): Promise<ScriptReply> {
    const args = [stream, String(Date.now()), String(this.maxTracked), ...seqs.map(String)];
    return (await this.redis.eval(script, 6, ...this.keys(stream), ...args)) as ScriptReply;
  }

  /**
   * Marks seqs of one stream as received. Returns those to enqueue (new ones, and in-flight ones an open replay asks
   * for) and the state after the change; the rest are duplicates, acknowledged but not stored again.
   */
  async receive(stream: string, seqs: number[]): Promise<{ accepted: Set<number>; state: AckState }> {
    const [accepted, raw] = await this.run(RECEIVE, stream, seqs);
    return { accepted: new Set(accepted.map(Number)), state: toState(stream, raw) };
  }

  /** Marks seqs of one stream as durably stored. */
  async persist(stream: string, seqs: number[]): Promise<AckState> {
    const [, raw] = await this.run(PERSIST, stream, seqs);
    return toState(stream, raw);
  }

  /** The state of one stream (all zero for a stream never seen). */
  async state(stream: string): Promise<AckState> {
    const [, raw] = await this.run(READ, stream, []);
    return toState(stream, raw);
  }

  /** Every stream that has state. */
  async streams(): Promise<string[]> {
    return (await this.redis.smembers(this.streamsKey())).sort();
  }

  /** Seqs received before `olderThanMs` ago and still not persisted (at most `limit`), lowest first. */
  async staleInFlight(stream: string, olderThanMs: number, limit = 5000): Promise<number[]> {
    const key = this.keys(stream)[3] as string;
    const members = await this.redis.zrangebyscore(key, '-inf', Date.now() - olderThanMs, 'LIMIT', 0, limit);
    return members.map(Number).sort((a, b) => a - b);
  }

  /**
   * Seqs received but not stored, above persistedTill (at most `limit`), as ranges, and when the stream last changed.
   * The replay watcher's backstop for received logs whose in-flight record is gone.
   */
  async unpersisted(
    stream: string,
    limit = 5000,
  ): Promise<{ ranges: [number, number][]; touchedAt: number }> {
    const [hash, pers] = [this.keys(stream)[0] as string, this.keys(stream)[2] as string];
    const [state, touched] = await Promise.all([this.state(stream), this.redis.hget(hash, 'touched')]);
    const to = Math.min(state.ackTill, state.persistedTill + limit);
    const stored = new Set((await this.redis.zrangebyscore(pers, state.persistedTill + 1, to)).map(Number));
    const ranges: [number, number][] = [];
    for (let seq = state.persistedTill + 1; seq <= to; seq++) {
      if (stored.has(seq)) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[1] === seq - 1) last[1] = seq;
      else ranges.push([seq, seq]);
    }
    return { ranges, touchedAt: Number(touched ?? 0) };
  }

  /** Opens a replay range: the producer is asked to resend it, and the API takes those seqs again. */
  async openReplay(stream: string, from: number, to: number): Promise<void> {
    await this.redis.zadd(this.keys(stream)[4] as string, from, `${from}-${to}`);
  }

  /** Closes a replay range (completed or expired). */
  async closeReplay(stream: string, from: number, to: number): Promise<void> {
    await this.redis.zrem(this.keys(stream)[4] as string, `${from}-${to}`);
  }

  /** Gap first-seen times kept by the replay watcher: gap start → ms. */
  async gapAges(stream: string): Promise<Map<number, number>> {
    const raw = await this.redis.hgetall(`${this.keys(stream)[0]}:gaps`);
    return new Map(Object.entries(raw).map(([from, ms]) => [Number(from), Number(ms)]));
  }

  /** Replaces the gap first-seen times of a stream. */
  async setGapAges(stream: string, ages: Map<number, number>): Promise<void> {
    const key = `${this.keys(stream)[0]}:gaps`;
    const multi = this.redis.multi().del(key);
    if (ages.size > 0)
      multi.hset(key, Object.fromEntries([...ages].map(([from, ms]) => [String(from), String(ms)])));
    await multi.exec();
  }

  /** Records when replay ranges were first reported to a producer (for the requested status), in one round trip. */
  async markRequested(stream: string, ranges: [number, number][]): Promise<void> {
    if (ranges.length === 0) return;
    const key = `${this.keys(stream)[0]}:requested`;
    const pipeline = this.redis.pipeline();
    const now = String(Date.now());
    for (const [from, to] of ranges) pipeline.hsetnx(key, `${from}-${to}`, now);
    await pipeline.exec();
  }

  /** When a replay range was first reported to a producer, if it was. */
  async requestedAt(stream: string, from: number, to: number): Promise<Date | undefined> {
    const ms = await this.redis.hget(`${this.keys(stream)[0]}:requested`, `${from}-${to}`);
    return ms ? new Date(Number(ms)) : undefined;
  }

  /** Whether every seq of from..to is stored according to the state. */
  async isPersisted(stream: string, from: number, to: number): Promise<boolean> {
    const state = await this.state(stream);
    if (to <= state.persistedTill) return true;
    const above = await this.redis.zcount(
      this.keys(stream)[2] as string,
      Math.max(from, state.persistedTill + 1),
      to,
    );
    return Math.max(0, Math.min(to, state.persistedTill) - from + 1) + above === to - from + 1;
  }
}
