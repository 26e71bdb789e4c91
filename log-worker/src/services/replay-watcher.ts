import type { Logger } from 'pino';
import type { AckStore } from '@logstream/ack-store';
import type { LeaderLock } from '@logstream/runtime';
import {
  normalizeRanges,
  parseSequenceSpace,
  parseStream,
  subtractRanges,
  toRanges,
  type AckState,
  type ReplayRequest,
  type SeqRange,
} from '@logstream/shared-types';
import {
  createReplayRequest,
  replayRequestId,
  replaySpace,
  toReplayRequest,
  type Models,
  type ReplayDoc,
} from '@logstream/storage';

/** Options of the {@link ReplayWatcher}. */
export interface ReplayWatcherOptions {
  /** A gap (or a received log not stored) older than this becomes a replay request. */
  replayAfterMs: number;
  /** An open replay request not completed within this is expired, and what of it is not stored is reported lost. */
  expireAfterMs: number;
  /** How often spaces are examined. */
  intervalMs: number;
  /** A space unchanged for this long, with nothing open, is no longer examined (until it changes again). */
  idleAfterMs: number;
  /** Most seqs checked against the database per gap and pass. Default 5000. */
  maxCheck?: number;
  /** How often every open replay request in the database is reconciled with Redis (after Redis lost its data). */
  reconcileEveryMs?: number;
  /**
   * When the oldest job still pending in the ingest queue was enqueued (undefined when none). A log received before
   * it and not stored cannot be waiting in the queue any more: its job was lost. Logs received after it may simply be
   * queued behind a backlog, so they are left alone.
   */
  oldestPendingJobAt?: () => Promise<number | undefined>;
  /**
   * The partition this watcher looks after (its stream's ingest queue, see `queueLayout`): several workers share the
   * work, one leader lock per partition. Default 0 (the only one with one queue).
   */
  partition?: number;
  onRequested?: (replay: ReplayRequest) => void;
  onCompleted?: (replay: ReplayRequest) => void;
}

/** What one pass did (for logs, tests and the watcher benchmark). */
export interface PassReport {
  /** False when another process holds the watcher's lock. */
  led: boolean;
  spaces: number;
  requested: number;
  completed: number;
  expired: number;
  durationMs: number;
}

type ReplayDocument = ReplayDoc & { _id: string };

/** Spaces examined concurrently within a pass. */
const SPACES_AT_ONCE = 16;

/** Whether a range shares any seq with one of `ranges`. */
function overlapsAny([from, to]: SeqRange, ranges: SeqRange[]): boolean {
  return ranges.some(([a, b]) => from <= b && to >= a);
}

/** The parts of `ranges` that none of `exclude` covers. */
function without(ranges: SeqRange[], exclude: SeqRange[]): SeqRange[] {
  return normalizeRanges(ranges).flatMap((range) => subtractRanges(range, exclude));
}

/**
 * Finds what was lost on the way and asks for it again. Each pass, for every active or open sequence space:
 * - gaps in the received seqs older than `replayAfterMs`, and runs handed to the queue that long ago and still not
 *   stored although no older job is pending (their job was lost: queue flushed, Redis restarted), are first checked
 *   against MongoDB — whatever is stored is marked persisted (this also rebuilds ACK state Redis lost) — and the rest
 *   become replay requests (one stable request per range);
 * - open requests move to requested once a producer was told, to completed once stored, and to expired after
 *   `expireAfterMs`, when what is still missing is recorded as lost.
 * One process runs it at a time per partition (a {@link LeaderLock} each); a pass stops between spaces when the lock
 * is no longer held. With K ingest queues a worker process runs K watchers, and the K leaderships spread over the
 * worker processes as they start and fail over.
 */
export class ReplayWatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private lastReconcileAt = 0;
  /** Open replay requests seen by this process, by id; dropped when they end. */
  private readonly known = new Map<string, ReplayDocument>();

  constructor(
    private readonly ack: AckStore,
    private readonly models: Models,
    private readonly leader: LeaderLock,
    private readonly options: ReplayWatcherOptions,
    private readonly logger: Logger,
  ) {}

  private get partition(): number {
    return this.options.partition ?? 0;
  }

  /** Starts a pass every interval (a pass still running is never overlapped). */
  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'replay watcher pass failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
  }

  /** Stops passing, waits for a running pass and gives up the lock. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.leader.release();
  }

  /** One pass, if this process leads. Exposed for tests and the benchmark. */
  async tick(): Promise<PassReport> {
    const started = performance.now();
    const report: PassReport = {
      led: false,
      spaces: 0,
      requested: 0,
      completed: 0,
      expired: 0,
      durationMs: 0,
    };
    if (!(await this.leader.acquireOrRenew())) return report;
    report.led = true;
    const oldestPendingAt = await this.options.oldestPendingJobAt?.();
    const spaces = await this.ack.spacesToWatch(this.options.idleAfterMs, this.partition);
    // A few spaces at a time: each costs a handful of Redis round trips, so the pass is bound by latency, not work.
    for (let start = 0; start < spaces.length; start += SPACES_AT_ONCE) {
      if (!(await this.leader.keep())) break;
      await Promise.all(
        spaces.slice(start, start + SPACES_AT_ONCE).map(async (space) => {
          report.spaces += 1;
          const state = await this.ack.state(space);
          report.requested += await this.openRequests(space, state, oldestPendingAt);
          const progress = await this.progressRequests(space, state);
          report.completed += progress.completed;
          report.expired += progress.expired;
          await this.ack.markOpen(space, await this.hasOpenWork(state, space));
        }),
      );
    }
    if (
      Date.now() - this.lastReconcileAt >= (this.options.reconcileEveryMs ?? 30_000) &&
      this.leader.holds()
    ) {
      this.lastReconcileAt = Date.now();
      await this.reconcile();
    }
    report.durationMs = performance.now() - started;
    return report;
  }

  /** Finds gaps and lost runs of one space and opens replay requests for what is not stored. */
  private async openRequests(
    space: string,
    state: AckState,
    oldestPendingAt: number | undefined,
  ): Promise<number> {
    const now = Date.now();
    // Age each gap by its start; a gap that shrinks from the left restarts its clock (that is progress).
    const previous = await this.ack.gapAges(space);
    const gaps = without(state.missing, state.lost);
    const ages = new Map(gaps.map(([from]) => [from, previous.get(from) ?? now]));
    const changed = ages.size !== previous.size || [...ages.keys()].some((from) => !previous.has(from));
    if (changed) await this.ack.setGapAges(space, ages);
    const settled = [...state.replay, ...state.lost];
    const limit = this.options.maxCheck ?? 5000;
    let opened = 0;

    // Gaps: seqs never received as far as Redis knows. After Redis lost its data they may well be stored, so MongoDB
    // is asked first, and whatever it has is marked persisted (this rebuilds the watermarks). A large gap is asked for
    // a chunk at a time: the next chunk once the open one is answered (the gap shrinks) or given up as lost.
    const oldGaps = gaps.filter(([from]) => now - (ages.get(from) ?? now) >= this.options.replayAfterMs);
    for (const gap of oldGaps.filter((range) => !overlapsAny(range, state.replay))) {
      const range: SeqRange = [gap[0], Math.min(gap[1], gap[0] + limit - 1)];
      const stored = await this.storedSeqs(space, range);
      if (stored.length > 0) await this.ack.persist(space, stored);
      for (const [from, to] of subtractRanges(range, toRanges(stored))) {
        await this.createRequest(space, from, to, 'gap');
        opened += 1;
      }
    }

    // Handed to the queue but not stored, although no older job is pending: their job was lost. Asked for at once;
    // should some be stored after all, the resend is a repeat, stored once, and still completes the request.
    const cutoff = Math.min(now, oldestPendingAt ?? now) - this.options.replayAfterMs;
    const lost = await this.ack.unstoredInFlight(space, cutoff);
    // Copies taken for a replay whose job was lost as well: the next copy must be taken again.
    await this.ack.forgetRetaken(space, lost);
    // Backstop: nothing pending and the space quiet, yet received seqs are not stored and no in-flight record says
    // so (Redis lost part of its data): ask for them by the received and persisted sets.
    if (oldestPendingAt === undefined && state.persistedTill < state.highestSeq) {
      const { ranges, touchedAt } = await this.ack.unstored(space);
      if (now - touchedAt >= this.options.replayAfterMs) lost.push(...ranges);
    }
    for (const [from, to] of without(lost, settled)) {
      await this.createRequest(space, from, to, 'gap');
      opened += 1;
    }
    return opened;
  }

  /** Seqs of a space stored in MongoDB within a range (index stream + session + seq). */
  private async storedSeqs(space: string, [from, to]: SeqRange): Promise<number[]> {
    const { stream, session } = parseSequenceSpace(space);
    // `service` adds nothing to the match (a stream is its service's), but routes the query to the service's shards
    // when `logs` is sharded by service (docs/scaling.md).
    const { service } = parseStream(stream);
    const docs = await this.models.Log.find(
      { service, stream, session: session ?? null, seq: { $gte: from, $lte: to }, conflictOf: null },
      { seq: 1, _id: 0 },
    ).lean();
    return docs.map((doc) => Number(doc.seq));
  }

  /** Opens (or reopens) the replay request of a range and its range in the ACK store. */
  async createRequest(
    space: string,
    from: number,
    to: number,
    origin: 'gap' | 'manual',
  ): Promise<ReplayRequest> {
    const request = await createReplayRequest(this.models.Replay, { space, from, to, origin });
    this.known.delete(replayRequestId(space, from, to));
    await this.ack.openReplay(space, from, to);
    this.logger.info({ space, from, to, origin }, 'replay requested');
    this.options.onRequested?.(request);
    return request;
  }

  /** Moves the open replay ranges of a space along: requested, completed, or expired (and lost). */
  private async progressRequests(
    space: string,
    state: AckState,
  ): Promise<{ completed: number; expired: number }> {
    const progress = { completed: 0, expired: 0 };
    for (const [from, to] of state.replay) {
      const id = replayRequestId(space, from, to);
      if (await this.ack.isPersisted(space, from, to)) {
        const doc = await this.openRequest(id);
        if (doc) await this.finish(doc, { status: 'completed', completedAt: new Date() });
        await this.ack.closeReplay(space, from, to);
        progress.completed += 1;
        continue;
      }
      const doc = await this.openRequest(id);
      if (!doc) {
        // Open in Redis with no document behind it (created against another database): give it one.
        await createReplayRequest(this.models.Replay, { space, from, to, origin: 'gap' });
        this.known.delete(id);
      } else if (Date.now() - new Date(doc.createdAt).getTime() > this.options.expireAfterMs) {
        const lostSeqs = await this.ack.markLost(space, from, to);
        await this.finish(doc, { status: 'expired', expiredAt: new Date() });
        this.logger.warn({ space, from, to, lost: lostSeqs }, 'replay expired: seqs reported lost');
        progress.expired += 1;
      } else if (doc.status === 'pending') {
        const requestedAt = await this.ack.requestedAt(space, from, to);
        if (requestedAt) {
          await this.models.Replay.updateOne(
            { _id: doc._id },
            { $set: { status: 'requested', requestedAt } },
          );
          doc.status = 'requested';
          doc.requestedAt = requestedAt;
        }
      }
    }
    return progress;
  }

  /** An open request's document, read once and then kept while it stays open (a pass reads no document). */
  private async openRequest(id: string): Promise<ReplayDocument | undefined> {
    const cached = this.known.get(id);
    if (cached) return cached;
    const doc = (await this.models.Replay.findById(id).lean()) as ReplayDocument | null;
    if (!doc || (doc.status !== 'pending' && doc.status !== 'requested')) return doc ?? undefined;
    this.known.set(id, doc);
    return doc;
  }

  /** Whether a space still has anything to look after: gaps or unstored seqs not given up, or open replays. */
  private async hasOpenWork(state: AckState, space: string): Promise<boolean> {
    if (state.replay.length > 0) return true;
    if (without(state.missing, state.lost).length > 0) return true;
    if (state.persistedTill >= state.highestSeq) return false;
    const { ranges } = await this.ack.unstored(space);
    return without(ranges, state.lost).length > 0;
  }

  /**
   * Every open request in the database whose range Redis no longer has open (Redis lost its data): completed if
   * stored, expired if too old, else opened again in Redis so that producers are asked again.
   */
  private async reconcile(): Promise<void> {
    const open = (await this.models.Replay.find({ status: { $in: ['pending', 'requested'] } })
      .limit(1000)
      .lean()) as ReplayDocument[];
    for (const doc of open) {
      const space = replaySpace(doc);
      if (this.ack.partitionOf(space) !== this.partition) continue;
      if ((await this.ack.state(space)).replay.some(([from, to]) => from === doc.from && to === doc.to))
        continue;
      const stored = await this.storedSeqs(space, [doc.from, doc.to]);
      if (stored.length > 0) await this.ack.persist(space, stored);
      if (subtractRanges([doc.from, doc.to], toRanges(stored)).length === 0) {
        await this.finish(doc, { status: 'completed', completedAt: new Date() });
      } else if (Date.now() - new Date(doc.createdAt).getTime() > this.options.expireAfterMs) {
        await this.ack.markLost(space, doc.from, doc.to);
        await this.finish(doc, { status: 'expired', expiredAt: new Date() });
      } else {
        await this.ack.openReplay(space, doc.from, doc.to);
        await this.ack.markOpen(space, true);
      }
    }
  }

  private async finish(doc: ReplayDocument, change: Partial<ReplayDoc>): Promise<void> {
    this.known.delete(doc._id);
    const space = replaySpace(doc);
    const requestedAt = doc.requestedAt ?? (await this.ack.requestedAt(space, doc.from, doc.to)) ?? null;
    await this.models.Replay.updateOne({ _id: doc._id }, { $set: { ...change, requestedAt } });
    const request = toReplayRequest({ ...doc, ...change, requestedAt } as ReplayDocument);
    this.logger.info({ space, from: doc.from, to: doc.to, status: change.status }, 'replay closed');
    if (change.status === 'completed') this.options.onCompleted?.(request);
  }
}
