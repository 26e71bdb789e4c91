import type { Logger } from 'pino';
import type { LeaderLock } from '@logstream/runtime';
import { OPS_ROOM, type AckState, type ControlResult, type ReplayRequest } from '@logstream/shared-types';
import type { MetricsHistory } from '../services/metrics-history';
import type { PipelineMonitor } from '../services/pipeline-monitor';
import type { SocketServer } from './socket-server';

/**
 * Everything the API announces over socket.io: snapshots and queue stats every 2 s (sent, and kept in the metrics
 * history, by whichever API instance holds the announcer's leader lock for that round, since the adapter fans every
 * event out to all clients), ACK updates (coalesced: the latest state of each sequence space, once per interval, so a
 * busy space costs one publish per interval rather than one per request), replay requests, control actions, and
 * workers disappearing or coming back.
 */
export class Announcer {
  private timer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  /** Latest ACK state per space since the last announcement. */
  private readonly pendingAcks = new Map<string, AckState>();
  private workersSeen: number | undefined;

  constructor(
    private readonly io: SocketServer,
    private readonly monitor: PipelineMonitor,
    private readonly leader: LeaderLock,
    private readonly logger: Logger,
    private readonly history?: MetricsHistory,
  ) {}

  /** Starts the snapshot loop (every `intervalMs`) and the ACK announcements (every `ackIntervalMs`). */
  start(intervalMs = 2000, ackIntervalMs = 1000): void {
    this.ackTimer = setInterval(() => this.flushAcks(), ackIntervalMs);
    this.timer = setInterval(() => {
      void this.tick().catch((error: unknown) => this.logger.warn({ err: error }, 'snapshot failed'));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.ackTimer);
    this.pendingAcks.clear();
    await this.leader.release();
  }

  private async tick(): Promise<void> {
    if (!(await this.leader.acquireOrRenew())) return;
    const snapshot = await this.monitor.snapshot();
    this.io.to(OPS_ROOM).emit('metrics:snapshot', snapshot);
    this.io.to(OPS_ROOM).emit('queue:stats', this.monitor.queueStats());
    await this.history?.record(snapshot);
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

  /** A receipt's ACK states: kept (the latest per space) until the next announcement. No I/O here. */
  ack(states: AckState[]): void {
    for (const state of states) {
      const space = state.session === undefined ? state.stream : `${state.stream}#${state.session}`;
      this.pendingAcks.set(space, state);
    }
  }

  /** Announces the latest state of each space that changed since the last time. */
  private flushAcks(): void {
    if (this.pendingAcks.size === 0) return;
    const states = [...this.pendingAcks.values()];
    this.pendingAcks.clear();
    for (const state of states) this.io.to(OPS_ROOM).emit('ack:sent', state);
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
