import { EventEmitter } from 'node:events';
import {
  LIMITS,
  sequenceSpaceOf,
  streamOf,
  type AckState,
  type IngestReceipt,
  type LogLevel,
} from '@logstream/shared-types';
import { ackStateOfReceipt, applyAckState } from './ack-apply';
import { RetryClock } from './backoff';
import { Chaos } from './chaos';
import { ApiClient, failureAction } from './http-client';
import { serializeLog, type LogFields } from './log-entry';
import {
  resolveOptions,
  type CloseOptions,
  type CloseResult,
  type ProducerConfig,
  type ProducerOptionsInput,
} from './options';
import { PendingBuffer, requestBody, type PendingEntry } from './pending-buffer';
import { FileSpool, newSessionId } from './spool';
import { countAckEffects, emptyStats, type ProducerStats } from './stats';
import { TokenBucket } from './token-bucket';
import { waitUntil } from './wait-until';

/** A log producer for one stream; see docs/producer.md. Create it with {@link createProducer}. */
export class Producer extends EventEmitter {
  /** `service` or `service/instance`. */
  readonly stream: string;
  /**
   * This producer's session: drawn at random when it starts, or continued from its spool. Seqs count within it, so
   * replicas of a service and restarts never share seqs.
   */
  readonly session: string | undefined;
  /** The sequence space the API keeps this producer's ACK state under (`stream#session`). */
  readonly space: string;
  private readonly config: ProducerConfig;
  private readonly buffer = new PendingBuffer();
  private readonly spool: FileSpool | undefined;
  private readonly counters: ProducerStats = emptyStats();
  private readonly chaos: Chaos;
  private readonly api: ApiClient;
  private readonly retryClock: RetryClock;
  private readonly replayBudget: TokenBucket;
  private readonly roomWaiters: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;
  private nextSeq = 1;
  private inFlight = 0;
  private maxBatchBytes = LIMITS.maxBodyBytes - 4096;
  private lastAnswerAt = Date.now();
  private lastPollAt = 0;
  private lastScanAt = 0;
  private lastFlushAt = 0;
  private sendsStarted = 0;
  private polling = false;
  private ackUnsupported = false;
  private sawAckState = false;
  private closing = false;

  constructor(options: ProducerOptionsInput, random: () => number = Math.random) {
    super();
    this.config = resolveOptions(options);
    this.chaos = new Chaos(this.config.chaos, random);
    this.api = new ApiClient(this.config.url, this.config.apiKey, this.config.requestTimeoutMs);
    const { retryBaseMs: baseMs, retryMaxMs: maxMs } = this.config;
    this.retryClock = new RetryClock({ baseMs, maxMs }, random);
    this.stream = streamOf(this.config);
    this.replayBudget = new TokenBucket(this.config.replayRatePerSec);
    let session: string | undefined = newSessionId();
    if (this.config.spoolFile) {
      const { spool, recovered } = FileSpool.open(this.config.spoolFile, this.stream);
      this.spool = spool;
      session = recovered.session;
      this.nextSeq = recovered.nextSeq;
      this.counters.persistedTill = recovered.persistedTill;
      for (const log of recovered.logs) this.buffer.add(log.seq, log.json);
    }
    this.session = session;
    this.space = sequenceSpaceOf({ ...this.config, session });
    this.timer = setInterval(() => this.tick(), Math.min(this.config.flushIntervalMs, 100));
    this.timer.unref();
  }

  /**
   * Buffers one log and returns its seq. Resolves at once while fewer than `maxBuffered` logs are held; when the
   * buffer is full it waits (in call order) until persisted logs make room — that is the backpressure, so await it
   * when logging in a loop. Throws `InvalidLogError` at once for a log the API would refuse, and rejects after close.
   */
  log(level: LogLevel | string, message: string, fields?: LogFields): Promise<number> {
    if (this.closing) return Promise.reject(new Error(`producer for ${this.stream} is closed`));
    const json = serializeLog(this.config, level, message, fields);
    if (this.roomWaiters.length === 0 && this.buffer.size < this.config.maxBuffered)
      return Promise.resolve(this.admit(json));
    return new Promise((resolve, reject) => {
      this.roomWaiters.push(() =>
        this.closing ? reject(new Error(`producer for ${this.stream} is closed`)) : resolve(this.admit(json)),
      );
    });
  }

  /** Shorthands for `log(level, …)`. */
  debug = (message: string, fields?: LogFields): Promise<number> => this.log('debug', message, fields);
  info = (message: string, fields?: LogFields): Promise<number> => this.log('info', message, fields);
  warn = (message: string, fields?: LogFields): Promise<number> => this.log('warn', message, fields);
  error = (message: string, fields?: LogFields): Promise<number> => this.log('error', message, fields);

  /** A snapshot of the counters. */
  stats(): ProducerStats {
    const { counters, chaos, buffer, nextSeq } = this;
    return { ...counters, chaos: { ...chaos.counts }, buffered: buffer.size, nextSeq, session: this.session };
  }

  /** Resolves once every log buffered before the call was sent and received by the API; rejects after `timeoutMs`. */
  async flush(timeoutMs = 30_000): Promise<void> {
    const target = this.nextSeq - 1;
    this.pump(true);
    const done = await waitUntil(() => this.buffer.receivedThrough(target), timeoutMs);
    if (!done) throw new Error(`flush of ${this.stream} timed out after ${timeoutMs} ms`);
  }

  /** Stops accepting logs, sends what is held and waits (bounded) for it to be persisted; then stops timers. */
  async close(options: CloseOptions = {}): Promise<CloseResult> {
    const { waitForPersisted = true, timeoutMs = 10_000 } = options;
    this.closing = true;
    for (const wake of this.roomWaiters.splice(0)) wake();
    this.pump(true);
    const target = this.nextSeq - 1;
    const complete = await waitUntil(
      () => (waitForPersisted ? this.buffer.size === 0 : this.buffer.receivedThrough(target)),
      timeoutMs,
    );
    clearInterval(this.timer);
    await waitUntil(() => this.inFlight === 0, Math.max(this.config.requestTimeoutMs, 1000));
    await this.spool?.close(this.nextSeq, this.counters.persistedTill, [...this.buffer.all()]);
    return { complete, remaining: this.buffer.size };
  }

  private admit(json: string): number {
    const seq = this.nextSeq++;
    this.buffer.add(seq, json);
    this.spool?.append([{ seq, json }]);
    if (this.buffer.queuedCount >= this.config.batchSize) this.pump(false);
    return seq;
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastScanAt >= 250) {
      this.lastScanAt = now;
      // A server that reports ACK state asks for what it lost (replay); the persist timeout is for one that does not.
      const persistTimeout = this.sawAckState ? undefined : this.config.persistTimeoutMs;
      this.counters.resent += this.buffer.requeueStale(now, this.config.resendAfterMs, persistTimeout);
    }
    if (now - this.lastFlushAt >= this.config.flushIntervalMs) {
      this.lastFlushAt = now;
      this.pump(true);
    }
    const quiet = this.inFlight === 0 && now - this.lastAnswerAt >= this.config.ackPollMs;
    const pollEvery = this.ackUnsupported ? 10_000 : this.config.ackPollMs;
    if (quiet && this.buffer.size > 0 && !this.polling && now - this.lastPollAt >= pollEvery)
      void this.poll();
  }

  private pump(force: boolean): void {
    while (
      this.inFlight < this.config.maxInFlight &&
      Date.now() >= this.retryClock.pausedUntil &&
      this.buffer.queuedCount > 0
    ) {
      if (!force && this.buffer.queuedCount < this.config.batchSize) return;
      const batch = this.buffer.takeBatch(this.config.batchSize, this.maxBatchBytes);
      if (batch.length === 0) return;
      const second =
        this.buffer.queuedCount > 0 && this.chaos.reorder()
          ? this.buffer.takeBatch(this.config.batchSize, this.maxBatchBytes)
          : [];
      this.inFlight += 1;
      void (async () => {
        try {
          if (second.length > 0) await this.send(second);
          await this.send(batch);
        } finally {
          this.inFlight -= 1;
          this.pump(false);
        }
      })();
    }
  }

  private async send(batch: PendingEntry[]): Promise<void> {
    try {
      await this.spool?.durable();
    } catch (error) {
      // Never send a seq the spool does not hold: a restart could number another log with it.
      this.buffer.retry(batch);
      this.fail(error, 'spool write failed');
      this.retryClock.pause(this.config.retryMaxMs);
      return;
    }
    this.sendsStarted += 1;
    for (const entry of batch) if (entry.sends === 0) this.counters.sent += 1;
    if (this.chaos.drop()) return this.buffer.markSent(batch, Date.now());
    const body = requestBody({ ...this.config, session: this.session }, batch);
    const copies = this.chaos.duplicate() ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const outcome = await this.api.ingest(body);
      if (copy > 0 && outcome.kind !== 'ok') return;
      this.lastAnswerAt = Date.now();
      if (outcome.kind === 'ok') {
        this.retryClock.succeeded();
        this.onReceipt(batch, outcome.value);
        continue;
      }
      const action = failureAction(outcome, batch.length);
      if (action === 'split') {
        this.maxBatchBytes = Math.max(Math.floor(this.maxBatchBytes / 2), LIMITS.maxLogBytes);
        this.buffer.retry(batch);
      } else if (action === 'reject') {
        for (const entry of batch)
          this.reject(entry.seq, [{ field: 'request', message: outcome.error.message }]);
        this.fail(outcome.error, 'request refused');
      } else {
        this.buffer.retry(batch);
        const retryAfterMs = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
        const { attempt, delayMs } = this.retryClock.failed(retryAfterMs);
        this.counters.retries += 1;
        this.counters.lastError = outcome.error.message;
        this.emit('retry', { attempt, delayMs, error: outcome.error });
        if (outcome.status === 401 || outcome.status === 403 || outcome.kind === 'fatal')
          this.fail(outcome.error, 'request failed');
      }
    }
  }

  private onReceipt(batch: PendingEntry[], receipt: IngestReceipt): void {
    this.buffer.markSent(batch, Date.now());
    const rejected = new Map(receipt.rejected.map((item) => [item.index, item.errors]));
    batch.forEach((entry, index) => {
      const errors = rejected.get(index);
      if (errors) this.reject(entry.seq, errors);
      else if (this.buffer.markReceived(entry.seq)) this.counters.acknowledged += 1;
    });
    this.counters.duplicates += receipt.duplicates ?? 0;
    const state = ackStateOfReceipt(receipt, this.space);
    if (state) this.applyAck(state, false);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    this.lastPollAt = Date.now();
    const sendsBefore = this.sendsStarted;
    try {
      const outcome = await this.api.ack(this.stream, this.session);
      if (outcome.kind === 'ok') {
        this.ackUnsupported = false;
        // Only authoritative when no request went out meanwhile (a receipt could be newer than this answer).
        this.applyAck(outcome.value, this.inFlight === 0 && this.sendsStarted === sendsBefore);
      } else if (outcome.kind === 'fatal' && outcome.status === 404) this.ackUnsupported = true;
      else this.counters.lastError = outcome.error.message;
    } finally {
      this.polling = false;
    }
  }

  private applyAck(state: AckState, authoritative: boolean): void {
    this.sawAckState = true;
    const effects = applyAckState(this.buffer, state, {
      persistedFloor: this.counters.persistedTill,
      now: Date.now(),
      replayCooldownMs: this.config.replayCooldownMs,
      replayCooldownMaxMs: 120_000,
      replayBudget: this.replayBudget.available(),
      authoritative,
    });
    const resent = countAckEffects(this.counters, effects);
    this.replayBudget.take(effects.resentReplay + effects.resentLost);
    if (state.ackTill > this.counters.ackTill) {
      this.counters.ackTill = state.ackTill;
      this.emit('ack', state);
    }
    if (state.persistedTill > this.counters.persistedTill) {
      this.counters.persistedTill = state.persistedTill;
      const held = () => [...this.buffer.all()];
      this.spool?.persisted(state.persistedTill, this.buffer.size, held, () => this.nextSeq);
      this.emit('persisted', { persistedTill: state.persistedTill, dropped: effects.persisted });
      this.wakeRoomWaiters();
    }
    if (resent > 0) this.pump(true);
  }

  private wakeRoomWaiters(): void {
    while (this.roomWaiters.length > 0 && this.buffer.size < this.config.maxBuffered)
      this.roomWaiters.shift()?.();
  }

  private reject(seq: number, errors: Array<{ field: string; message: string }>): void {
    if (!this.buffer.remove(seq)) return;
    this.counters.rejected += 1;
    this.emit('rejected', { seq, errors });
    this.wakeRoomWaiters();
  }

  private fail(error: unknown, context: string): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.counters.lastError = `${context}: ${failure.message}`;
    // An 'error' event without a listener would throw; a logging client must not crash its host for that.
    if (this.listenerCount('error') > 0) this.emit('error', failure);
  }
}

/** Creates a producer for one stream. Call `close()` before the process ends. */
export function createProducer(options: ProducerOptionsInput): Producer {
  return new Producer(options);
}
