import { z } from 'zod';
import { LogLevel } from './level';
import type { AckState } from './ingest';
import { SessionId, StreamName } from './log';

/** Counts of the ingest queue's job states. */
export const QueueCounts = z.object({
  waiting: z.int().nonnegative(),
  active: z.int().nonnegative(),
  completed: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  delayed: z.int().nonnegative(),
});
export type QueueCounts = z.infer<typeof QueueCounts>;

/** `GET /queue/stats` and the `queue:stats` event. */
export const QueueStats = z.object({
  at: z.iso.datetime(),
  counts: QueueCounts,
  /** Workers connected to the ingest queue. */
  workers: z.int().nonnegative(),
  /** Whether ingest is currently refused with 429 because too many jobs wait. */
  backpressure: z.boolean(),
});
export type QueueStats = z.infer<typeof QueueStats>;

/** Fault injection actions accepted by `POST /control`. */
export const FAULT_ACTIONS = [
  'crash-worker',
  'network-failure',
  'delay-ack',
  'flush-queue',
  'reset',
] as const;
export const FaultAction = z.enum(FAULT_ACTIONS);
export type FaultAction = z.infer<typeof FaultAction>;

/** Body of `POST /control`. */
export const ControlRequest = z.object({
  action: FaultAction,
  /** How long a timed fault lasts; defaults: crash-worker 5 s, network-failure 10 s, delay-ack 3 s. */
  durationMs: z
    .int()
    .min(100)
    .max(10 * 60_000)
    .optional(),
});
export type ControlRequest = z.infer<typeof ControlRequest>;

/** The faults in force now (`GET /control`, the `fault:state` event). Each is the ISO time it ends, or null. */
export const FaultState = z.object({
  enabled: z.boolean(),
  workerCrashedUntil: z.iso.datetime().nullable(),
  networkFailureUntil: z.iso.datetime().nullable(),
  delayAckUntil: z.iso.datetime().nullable(),
  /** Latency added to ingest answers while delay-ack is on. */
  delayAckMs: z.int().nonnegative(),
});
export type FaultState = z.infer<typeof FaultState>;

/** Answer of `POST /control`: the action, the faults in force after it, and what flush-queue dropped. */
export const ControlResult = z.object({
  action: FaultAction,
  state: FaultState,
  /** Waiting jobs dropped by flush-queue. */
  dropped: z.int().nonnegative().optional(),
});
export type ControlResult = z.infer<typeof ControlResult>;

/** Replay request states: pending (gap seen) → requested (producer told) → completed, or expired. */
export const REPLAY_STATUSES = ['pending', 'requested', 'completed', 'expired'] as const;
export const ReplayStatus = z.enum(REPLAY_STATUSES);
export type ReplayStatus = z.infer<typeof ReplayStatus>;

/** A request for a producer to resend seqs `from..to` of a stream (`GET /replays`, replay events). */
export const ReplayRequest = z.object({
  /** Stable: one range of one sequence space is one request, however often the watcher looks at it. */
  id: z.string(),
  stream: z.string(),
  /** The producer session asked, when the seqs belong to one. */
  session: z.string().optional(),
  from: z.int().positive(),
  to: z.int().positive(),
  status: ReplayStatus,
  /** `gap` when found by the watcher, `manual` when asked for with `POST /replays`. */
  origin: z.enum(['gap', 'manual']),
  createdAt: z.iso.datetime(),
  requestedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  expiredAt: z.iso.datetime().nullable(),
});
export type ReplayRequest = z.infer<typeof ReplayRequest>;

/** Body of `POST /replays`. */
export const ReplayTrigger = z
  .object({
    stream: StreamName,
    session: SessionId.optional(),
    from: z.int().positive(),
    to: z.int().positive(),
  })
  .refine((r) => r.to >= r.from, { message: 'to must be at least from', path: ['to'] });
export type ReplayTrigger = z.infer<typeof ReplayTrigger>;

/** A log as pushed to live tails (`log:new`). */
export const LiveLog = z.object({
  id: z.string(),
  service: z.string(),
  stream: z.string(),
  seq: z.int().optional(),
  level: LogLevel,
  message: z.string(),
  ts: z.iso.datetime(),
  requestId: z.string().optional(),
});
export type LiveLog = z.infer<typeof LiveLog>;

/** The `metrics:snapshot` event, every 2 s. Rates are per second over the last interval. */
export const MetricsSnapshot = z.object({
  at: z.iso.datetime(),
  /** Logs accepted by the API per second. */
  acceptedPerSec: z.number().nonnegative(),
  /** Logs newly stored by workers per second. */
  storedPerSec: z.number().nonnegative(),
  /** Requests refused (4xx/5xx) per second. */
  refusedPerSec: z.number().nonnegative(),
  /** Median ingest → stored latency over the interval, ms (null when nothing was stored). */
  e2eLatencyMs: z.number().nonnegative().nullable(),
  queue: QueueCounts,
  workers: z.int().nonnegative(),
  faults: FaultState,
});
export type MetricsSnapshot = z.infer<typeof MetricsSnapshot>;

/** `GET /queue/history`: the metrics snapshots the API keeps (10 minutes by default), oldest first. */
export const QueueHistory = z.object({ snapshots: z.array(MetricsSnapshot) });
export type QueueHistory = z.infer<typeof QueueHistory>;

/** Every socket.io event the server sends, with its payload. */
export interface ServerToClientEvents {
  'metrics:snapshot': (snapshot: MetricsSnapshot) => void;
  /** Throttled: at most a bounded number of logs per second, in small arrays. */
  'log:new': (logs: LiveLog[]) => void;
  'ack:sent': (ack: AckState) => void;
  'replay:requested': (replay: ReplayRequest) => void;
  'replay:completed': (replay: ReplayRequest) => void;
  'worker:crashed': (event: { at: string; until: string | null; reason: string }) => void;
  'worker:recovered': (event: { at: string }) => void;
  'queue:stats': (stats: QueueStats) => void;
  'fault:state': (state: FaultState) => void;
  'sim:control': (event: { at: string; action: string; detail?: string }) => void;
}

/**
 * socket.io rooms, shared by the API (which puts sockets in them) and the worker (whose Redis emitter sends to them):
 * every live log goes to the all-logs room and to its service's room; pipeline-wide events (snapshots, queue stats,
 * ACKs, replays, worker state, control) only to the ops room, which dashboard users and the admin key join and a
 * service key's socket never does.
 */
export const LIVE_ROOM_ALL = 'logs';
export const liveRoom = (service: string): string => `logs:${service}`;
export const OPS_ROOM = 'ops';

/** Events a client may send. */
export interface ClientToServerEvents {
  /** Restricts `log:new` to these services and levels (empty = all). */
  'live:filter': (filter: { services: string[]; levels: LogLevel[] }) => void;
}

/** The Redis pub/sub channel prefix shared by the socket.io adapter (API) and emitter (worker). */
export const SOCKET_CHANNEL = 'logstream-socket.io';
