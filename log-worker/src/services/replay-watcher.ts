import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AckStore } from '@logstream/ack-store';
import type { ReplayRequest } from '@logstream/shared-types';
import { createReplayRequest, toReplayRequest, type Models, type ReplayDoc } from '@logstream/storage';

/** Options of the {@link ReplayWatcher}. */
export interface ReplayWatcherOptions {
  /** A gap (or a received log not stored) older than this becomes a replay request. */
  replayAfterMs: number;
  /** An open replay request not completed within this is expired. */
  expireAfterMs: number;
  /** How often streams are examined. */
  intervalMs: number;
  /** Key of the lock that makes one watcher active per deployment. */
  lockKey: string;
  /** Most seqs checked against the database per range and tick. */
  maxCheck?: number;
  /**
   * When the oldest job still waiting or active in the ingest queue was enqueued (undefined when none). A log received
   * before it and not stored cannot be waiting in the queue any more: its job was lost. Logs received after it may
   * simply be queued behind a backlog, so they are left alone.
   */
  oldestPendingJobAt?: () => Promise<number | undefined>;
  onRequested?: (replay: ReplayRequest) => void;
  onCompleted?: (replay: ReplayRequest) => void;
}

type Range = [number, number];

/** Consecutive seqs as ranges: [1,2,3,7,8] → [[1,3],[7,8]]. */
export function toRanges(seqs: number[]): Range[] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const out: Range[] = [];
  for (const seq of sorted) {
    const last = out[out.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else out.push([seq, seq]);
  }
  return out;
}

/** The seqs of from..to that are not in `present`. */
export function subtract([from, to]: Range, present: Set<number>): Range[] {
  const absent: number[] = [];
  for (let seq = from; seq <= to; seq++) if (!present.has(seq)) absent.push(seq);
  return toRanges(absent);
}

/**
 * Finds what was lost on the way and asks for it again. Every tick, for each stream:
 * - gaps in the received seqs older than `replayAfterMs`, and seqs received that long ago but still not stored
 *   (their job was lost: queue flushed, Redis restarted), are first checked against MongoDB — whatever is stored there
 *   is marked persisted (this also rebuilds ACK state that Redis lost) — and the rest become replay requests;
 * - open requests move to requested once a producer was told, to completed once stored, to expired after
 *   `expireAfterMs`.
 * A Redis lock keeps one watcher active when several workers run.
 */
export class ReplayWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly owner = randomBytes(6).toString('hex');

  constructor(
    private readonly redis: Redis,
    private readonly ack: AckStore,
    private readonly models: Models,
    private readonly options: ReplayWatcherOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts ticking. */
  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'replay watcher tick failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
  }

  /** Stops ticking and waits for a running tick. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every stream, if this watcher holds the lock. Exposed for tests. */
  async tick(): Promise<void> {
    if (!(await this.holdLock())) return;
    const oldestPendingAt = await this.options.oldestPendingJobAt?.();
    for (const stream of await this.ack.streams()) {
      await this.openRequests(stream, oldestPendingAt);
      await this.progressRequests(stream);
    }
  }

  private async holdLock(): Promise<boolean> {
    const ttl = this.options.intervalMs * 5;
    const got = await this.redis.set(this.options.lockKey, this.owner, 'PX', ttl, 'NX');
    if (got === 'OK') return true;
    if ((await this.redis.get(this.options.lockKey)) !== this.owner) return false;
    await this.redis.pexpire(this.options.lockKey, ttl);
    return true;
  }

  private async openRequests(stream: string, oldestPendingAt: number | undefined): Promise<void> {
    const now = Date.now();
    const state = await this.ack.state(stream);
    // Age each gap by its start; a gap that shrinks from the left restarts its clock (that is progress).
    const previous = await this.ack.gapAges(stream);
    const ages = new Map(state.missing.map(([from]) => [from, previous.get(from) ?? now]));
    await this.ack.setGapAges(stream, ages);

    const open = state.replay;
    const isOpen = ([from, to]: Range) => open.some(([a, b]) => from >= a && to <= b);
    const limit = this.options.maxCheck ?? 5000;

    // Gaps: seqs never received since Redis knows. After Redis lost its data they may well be stored, so MongoDB is
    // asked first, and whatever it has is marked received and persisted (this rebuilds the watermarks).
    const oldGaps = state.missing.filter(
      ([from]) => now - (ages.get(from) ?? now) >= this.options.replayAfterMs,
    );
    for (const gap of oldGaps.filter((g) => !isOpen(g))) {
      const range: Range = [gap[0], Math.min(gap[1], gap[0] + limit - 1)];
      const stored = await this.storedSeqs(stream, range);
      if (stored.length > 0) await this.ack.persist(stream, stored);
      for (const [from, to] of subtract(range, new Set(stored)))
        await this.createRequest(stream, from, to, 'gap');
    }

    // Received but not stored although no older job is pending: their job was lost. Asked for at once; should one be
    // stored after all, its resend is a duplicate, stored once, and it still completes the request.
    const inFlightAge = Math.max(
      this.options.replayAfterMs,
      now - (oldestPendingAt ?? now) + this.options.replayAfterMs,
    );
    const lost = toRanges(await this.ack.staleInFlight(stream, inFlightAge, limit));
    // Backstop: nothing pending and the stream quiet, yet received seqs are not stored and have no in-flight record
    // (Redis lost part of its data): ask for them by the watermarks.
    if (oldestPendingAt === undefined && state.persistedTill < state.ackTill) {
      const { ranges, touchedAt } = await this.ack.unpersisted(stream, limit);
      if (now - touchedAt >= this.options.replayAfterMs) lost.push(...ranges);
    }
    for (const range of lost.filter((r) => !isOpen(r)))
      await this.createRequest(stream, range[0], range[1], 'gap');
  }

  /** Seqs of a stream stored in MongoDB within a range. */
  private async storedSeqs(stream: string, [from, to]: Range): Promise<number[]> {
    const docs = await this.models.Log.find(
      { stream, seq: { $gte: from, $lte: to } },
      { seq: 1, _id: 0 },
    ).lean();
    return docs.map((doc) => Number(doc.seq));
  }

  /** Records a replay request and opens its range in the ACK store. */
  async createRequest(
    stream: string,
    from: number,
    to: number,
    origin: 'gap' | 'manual',
  ): Promise<ReplayRequest> {
    const request = await createReplayRequest(this.models.Replay, { stream, from, to, origin });
    await this.ack.openReplay(stream, from, to);
    this.logger.info({ stream, from, to, origin }, 'replay requested');
    this.options.onRequested?.(request);
    return request;
  }

  private async progressRequests(stream: string): Promise<void> {
    const open = await this.models.Replay.find({ stream, status: { $in: ['pending', 'requested'] } }).lean();
    // Ranges open in Redis with no open request behind them (its document was closed, or lives in a database this
    // deployment no longer uses) are closed once stored, so producers are not asked for what is already there.
    const tracked = new Set(open.map((doc) => `${doc.from}-${doc.to}`));
    for (const [from, to] of (await this.ack.state(stream)).replay) {
      if (!tracked.has(`${from}-${to}`) && (await this.ack.isPersisted(stream, from, to))) {
        await this.ack.closeReplay(stream, from, to);
      }
    }
    for (const doc of open) {
      const id = doc._id as string;
      if (await this.ack.isPersisted(stream, doc.from, doc.to)) {
        await this.finish(doc as ReplayDoc & { _id: string }, {
          status: 'completed',
          completedAt: new Date(),
        });
      } else if (Date.now() - new Date(doc.createdAt).getTime() > this.options.expireAfterMs) {
        await this.finish(doc as ReplayDoc & { _id: string }, { status: 'expired', expiredAt: new Date() });
      } else if (doc.status === 'pending') {
        const requestedAt = await this.ack.requestedAt(stream, doc.from, doc.to);
        if (requestedAt)
          await this.models.Replay.updateOne({ _id: id }, { $set: { status: 'requested', requestedAt } });
      }
    }
  }

  private async finish(doc: ReplayDoc & { _id: string }, change: Partial<ReplayDoc>): Promise<void> {
    const requestedAt = doc.requestedAt ?? (await this.ack.requestedAt(doc.stream, doc.from, doc.to)) ?? null;
    await this.models.Replay.updateOne({ _id: doc._id }, { $set: { ...change, requestedAt } });
    await this.ack.closeReplay(doc.stream, doc.from, doc.to);
    const request = toReplayRequest({ ...doc, ...change, requestedAt } as ReplayDoc & { _id: string });
    this.logger.info(
      { stream: doc.stream, from: doc.from, to: doc.to, status: change.status },
      'replay closed',
    );
    if (change.status === 'completed') this.options.onCompleted?.(request);
  }
}
