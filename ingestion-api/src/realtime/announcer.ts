import type { Logger } from 'pino';
import type { LeaderLock } from '@logstream/runtime';
import type { AckState, ControlResult, ReplayRequest } from '@logstream/shared-types';
import type { PipelineMonitor } from '../services/pipeline-monitor';
import { OPS_ROOM, type SocketServer } from './socket-server';

/**
 * Everything the API announces over socket.io: snapshots and queue stats every 2 s (sent by whichever API instance holds
 * the announcer's leader lock for that round, since the adapter fans every event out to all clients), ACK updates (at
 * most one per stream per second), replay requests, control actions, and workers disappearing or coming back.
 */
export class Announcer {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastAck = new Map<string, number>();
  private workersSeen: number | undefined;

  constructor(
    private readonly io: SocketServer,
    private readonly monitor: PipelineMonitor,
    private readonly leader: LeaderLock,
    private readonly logger: Logger,
  ) {}

  /** Starts the 2-second snapshot loop. */
  start(intervalMs = 2000): void {
    this.timer = setInterval(() => {
      void this.tick().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'snapshot failed'),
      );
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.leader.release();
  }

  private async tick(): Promise<void> {
    if (!(await this.leader.acquireOrRenew())) return;
    const snapshot = await this.monitor.snapshot();
    this.io.to(OPS_ROOM).emit('metrics:snapshot', snapshot);
    this.io.to(OPS_ROOM).emit('queue:stats', this.monitor.queueStats());
    const at = snapshot.at;
    if (this.workersSeen !== undefined && this.workersSeen > 0 && snapshot.workers === 0) {
      this.io.to(OPS_ROOM).emit('worker:crashed', {
        at,
        until: null,
        reason: 'no worker is connected to the ingest queue',
      });
    } else if (this.workersSeen === 0 && snapshot.workers > 0) {
      this.io.to(OPS_ROOM).emit('worker:recovered', { at });
    }
    this.workersSeen = snapshot.workers;
  }

  /** A receipt's ACK states, throttled per stream. */
  ack(states: AckState[]): void {
    const now = Date.now();
    for (const state of states) {
      if (now - (this.lastAck.get(state.stream) ?? 0) < 1000) continue;
      this.lastAck.set(state.stream, now);
      this.io.to(OPS_ROOM).emit('ack:sent', state);
    }
    if (this.lastAck.size > 10_000) this.lastAck.clear();
  }

  replayRequested(replay: ReplayRequest): void {
    this.io.to(OPS_ROOM).emit('replay:requested', replay);
  }

  /** A control action: the new fault state and the control feed (the worker itself announces its crash). */
  control(result: ControlResult): void {
    const at = new Date().toISOString();
    this.io.to(OPS_ROOM).emit('fault:state', result.state);
    this.io.to(OPS_ROOM).emit('sim:control', {
      at,
      action: result.action,
      ...(result.dropped !== undefined && { detail: `${result.dropped} waiting batches dropped` }),
    });
  }
}
