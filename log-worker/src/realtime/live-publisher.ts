import { Emitter } from '@socket.io/redis-emitter';
import type { RedisClient } from '@logstream/runtime';
import {
  LIVE_ROOM_ALL,
  liveRoom,
  OPS_ROOM,
  streamOf,
  type JobLog,
  type LiveLog,
  type ReplayRequest,
  type ServerToClientEvents,
} from '@logstream/shared-types';

/**
 * Publishes the worker's events to socket.io clients through the Redis emitter (the API's adapter delivers them).
 * Live logs are bounded to `maxPerSec`: above it, each flush sends an evenly spaced sample, so a tail stays readable
 * and the browser never drowns.
 */
export class LivePublisher {
  private readonly emitter: Emitter<ServerToClientEvents>;
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    redis: RedisClient,
    channel: string,
    private readonly maxPerSec: number,
  ) {
    this.emitter = new Emitter<ServerToClientEvents>(redis, { key: channel });
    this.tokens = maxPerSec;
  }

  /** Newly stored logs, sampled to the rate bound, to the all-logs room and each service's room. */
  logs(stored: JobLog[]): void {
    const now = Date.now();
    this.tokens = Math.min(this.maxPerSec, this.tokens + ((now - this.refilledAt) / 1000) * this.maxPerSec);
    this.refilledAt = now;
    const take = Math.min(stored.length, Math.floor(this.tokens));
    if (take <= 0) return;
    this.tokens -= take;
    const step = stored.length / take;
    const sample: LiveLog[] = Array.from({ length: take }, (_, i) =>
      toLive(stored[Math.floor(i * step)] as JobLog),
    );
    this.emitter.to(LIVE_ROOM_ALL).emit('log:new', sample);
    const byService = new Map<string, LiveLog[]>();
    for (const log of sample) byService.set(log.service, [...(byService.get(log.service) ?? []), log]);
    for (const [service, logs] of byService) this.emitter.to(liveRoom(service)).emit('log:new', logs);
  }

  /** Pipeline-wide events go to the ops room only: a service key's socket must not learn other services' streams. */
  replayRequested(replay: ReplayRequest): void {
    this.emitter.to(OPS_ROOM).emit('replay:requested', replay);
  }

  replayCompleted(replay: ReplayRequest): void {
    this.emitter.to(OPS_ROOM).emit('replay:completed', replay);
  }

  workerCrashed(until: string | null, reason: string): void {
    this.emitter.to(OPS_ROOM).emit('worker:crashed', { at: new Date().toISOString(), until, reason });
  }

  workerRecovered(): void {
    this.emitter.to(OPS_ROOM).emit('worker:recovered', { at: new Date().toISOString() });
  }
}

function toLive(log: JobLog): LiveLog {
  return {
    id: log.id,
    service: log.service,
    stream: streamOf(log),
    level: log.level,
    message: log.message.slice(0, 500),
    ts: log.ts,
    ...(log.seq !== undefined && { seq: log.seq }),
    ...(log.requestId !== undefined && { requestId: log.requestId }),
  };
}
