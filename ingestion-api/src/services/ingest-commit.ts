import { randomUUID } from 'node:crypto';
import type { IngestQueues } from '@logstream/runtime';
import type { AckStore, ReceiveVerdict, SpaceReceiveOutcome } from '@logstream/ack-store';
import {
  deriveLogId,
  groupBy,
  parseSequenceSpace,
  sequenceSpaceOf,
  type AckState,
  type IngestJobData,
  type IngestReceipt,
  type ItemRejection,
  type JobLog,
  type LogInput,
} from '@logstream/shared-types';
import { AppError } from '../errors';
import type { Settled } from './group-committer';

/** A valid item of a request: its index in the request, the log, and (numbered logs) its content fingerprint. */
export interface ValidItem {
  index: number;
  log: LogInput;
  fingerprint?: string;
}

/** One validated request waiting for its group: what the commit needs to answer it. */
export interface PreparedRequest {
  batchId: string;
  receivedAt: Date;
  items: ValidItem[];
  rejected: ItemRejection[];
}

/** What a group commit talks to. */
export interface IngestCommitDeps {
  /** The ingest queues; a group's job is split by the queue of each log's stream. */
  queues: IngestQueues;
  ack: AckStore;
}

const ENQUEUED: ReadonlySet<ReceiveVerdict> = new Set(['new', 'resent', 'verify']);

/** A Redis failure becomes a 503 the producer retries. */
function unavailable(what: string, cause: unknown): AppError {
  return new AppError('unavailable', `${what} is unavailable; retry shortly`, undefined, {
    cause,
    headers: { 'Retry-After': '1' },
  });
}

function overflow(space: string, intervals: number): AppError {
  return new AppError(
    'backpressure',
    `${space} has ${intervals} separate runs of received seqs (gaps between them); resend the missing seqs (the ` +
      'receipt and GET /ack list them) before sending new ones',
    { space, intervals },
    { headers: { 'Retry-After': '2' } },
  );
}

function conflictRejection(item: ValidItem, space: string): ItemRejection {
  const { stream, session } = parseSequenceSpace(space);
  const where = session ? `stream ${stream}, session ${session}` : `stream ${stream} (no session)`;
  return {
    index: item.index,
    errors: [
      {
        field: 'seq',
        message:
          `seq ${item.log.seq} of ${where} was already received with different content and is not stored yet; ` +
          'a producer that numbers logs anew must send a new session (see docs/protocol.md)',
      },
    ],
  };
}

/** The job form of one log; `batchId` is carried per log when the job holds several requests. */
function toJobLog(request: PreparedRequest, { index, log, fingerprint }: ValidItem, shared: boolean): JobLog {
  // One literal; absent fields are undefined and vanish when the job is serialized. Per log, a conditional spread for
  // each optional field cost more than the rest of this function.
  return {
    id: deriveLogId(log, request.batchId, index),
    batchId: shared ? request.batchId : undefined,
    service: log.service,
    instance: log.instance,
    session: log.session,
    seq: log.seq,
    fp: fingerprint,
    level: log.level,
    message: log.message,
    ts: (log.timestamp ?? request.receivedAt).toISOString(),
    requestId: log.requestId,
    traceId: log.traceId,
    spanId: log.spanId,
    meta: log.meta,
  };
}

/** Per request of a group: its items' verdicts, the states of its spaces, and why it fails, if it does. */
interface RequestProgress {
  request: PreparedRequest;
  verdicts: Map<ValidItem, ReceiveVerdict>;
  streams: Record<string, AckState>;
  error?: AppError;
}

/**
 * Commits a group of requests: one ACK-store round trip (one script call per sequence space, the items of every
 * request in that space together, in arrival order), then one queue job holding every log to enqueue, then one
 * receipt per request from its own items. A receipt is answered only after the job holding its logs is added.
 *
 * Failures stay with the requests they touch: a space whose call fails gives every request with logs in it a 503,
 * the others go on. Numbered logs whose space call succeeded are enqueued even when their request fails for another
 * reason, since the ACK store now counts them in flight (a later request may be told they are duplicates). When the
 * job cannot be added, every request of the group gets a 503 and none a receipt.
 */
export async function commitIngestGroup(
  deps: IngestCommitDeps,
  requests: PreparedRequest[],
): Promise<Settled<IngestReceipt>[]> {
  const progress: RequestProgress[] = requests.map((request) => ({
    request,
    verdicts: new Map(),
    streams: {},
  }));
  const owners = new Map<string, { entry: RequestProgress; items: ValidItem[] }[]>();
  for (const entry of progress) {
    const numbered = entry.request.items.filter((item) => item.log.seq !== undefined);
    for (const [space, items] of groupBy(numbered, (item) => sequenceSpaceOf(item.log))) {
      const list = owners.get(space) ?? [];
      list.push({ entry, items });
      owners.set(space, list);
    }
  }
  const spaces = [...owners.keys()];
  const outcomes = await deps.ack.receiveMany(
    spaces.map((space) => ({
      space,
      items: (owners.get(space) ?? []).flatMap(({ items }) =>
        items.map((item) => ({ seq: item.log.seq as number, fingerprint: item.fingerprint as string })),
      ),
    })),
  );
  for (const [position, space] of spaces.entries()) {
    const parts = owners.get(space) ?? [];
    const outcome = outcomes[position] as SpaceReceiveOutcome;
    if (outcome.kind === 'overflow' && parts.length > 1) {
      // Together they would open too many gaps; one at a time, the first ones may still fit.
      for (const part of parts) await receiveAlone(deps, space, part);
      continue;
    }
    let offset = 0;
    for (const part of parts) {
      applyOutcome(space, part, outcome, offset);
      offset += part.items.length;
    }
  }

  const shared = requests.length > 1;
  const jobLogs: JobLog[] = [];
  const conflictsOf = new Map<RequestProgress, ItemRejection[]>();
  for (const entry of progress) {
    const conflicts: ItemRejection[] = [];
    for (const item of entry.request.items) {
      const verdict = entry.verdicts.get(item);
      if (verdict === 'conflict') conflicts.push(conflictRejection(item, sequenceSpaceOf(item.log)));
      const enqueue =
        verdict === undefined ? item.log.seq === undefined && !entry.error : ENQUEUED.has(verdict);
      if (enqueue) jobLogs.push(toJobLog(entry.request, item, shared));
    }
    conflictsOf.set(entry, conflicts);
    if (!entry.error && conflicts.length === entry.request.items.length) {
      entry.error = new AppError(
        'seq_conflict',
        'every log reuses a seq already received with other content',
        {
          rejected: [...entry.request.rejected, ...conflicts],
        },
      );
    }
  }

  if (jobLogs.length > 0) {
    const only = requests.length === 1 ? requests[0] : undefined;
    const jobId = only?.batchId ?? randomUUID();
    const receivedAt = (only ?? requests[0]) as PreparedRequest;
    const data: IngestJobData = {
      batchId: jobId,
      receivedAt: receivedAt.receivedAt.toISOString(),
      logs: jobLogs,
    };
    try {
      await deps.queues.add('ingest', data, jobId);
    } catch (error) {
      const failure = unavailable('the queue', error);
      return progress.map((entry) => ({ ok: false, error: entry.error ?? failure }));
    }
  }
  await noteReplaysReported(deps.ack, progress);

  return progress.map((entry): Settled<IngestReceipt> => {
    if (entry.error) return { ok: false, error: entry.error };
    return { ok: true, value: receiptOf(entry, conflictsOf.get(entry) ?? []) };
  });
}

/** Gives one request's items in one space their verdicts from that space's outcome, starting at `offset`. */
function applyOutcome(
  space: string,
  part: { entry: RequestProgress; items: ValidItem[] },
  outcome: SpaceReceiveOutcome,
  offset: number,
): void {
  const { entry, items } = part;
  if (outcome.kind === 'failed') {
    entry.error ??= unavailable('the ACK store', outcome.error);
    return;
  }
  if (outcome.kind === 'overflow') {
    entry.error ??= overflow(space, outcome.intervals);
    return;
  }
  entry.streams[space] = outcome.state;
  items.forEach((item, position) =>
    entry.verdicts.set(item, outcome.verdicts[offset + position] as ReceiveVerdict),
  );
}

async function receiveAlone(
  deps: IngestCommitDeps,
  space: string,
  part: { entry: RequestProgress; items: ValidItem[] },
): Promise<void> {
  const [outcome] = await deps.ack.receiveMany([
    {
      space,
      items: part.items.map((item) => ({
        seq: item.log.seq as number,
        fingerprint: item.fingerprint as string,
      })),
    },
  ]);
  applyOutcome(space, part, outcome as SpaceReceiveOutcome, 0);
}

/**
 * Replay ranges a receipt reports move from pending to requested (the watcher records the time), once per space of
 * the group. Best effort: a failure here leaves them pending, to be marked by a later receipt.
 */
async function noteReplaysReported(ack: AckStore, progress: RequestProgress[]): Promise<void> {
  const replays = new Map<string, AckState>();
  for (const entry of progress) {
    if (entry.error) continue;
    for (const [space, state] of Object.entries(entry.streams))
      if (state.replay.length > 0) replays.set(space, state);
  }
  await Promise.all(
    [...replays].map(([space, state]) => ack.markRequested(space, state.replay).catch(() => undefined)),
  );
}

function receiptOf(entry: RequestProgress, conflicts: ItemRejection[]): IngestReceipt {
  const { request, verdicts, streams } = entry;
  let repeats = 0;
  for (const verdict of verdicts.values()) if (verdict === 'duplicate' || verdict === 'verify') repeats += 1;
  const receipt: IngestReceipt = {
    batchId: request.batchId,
    accepted: request.items.length - conflicts.length,
    rejected: [...request.rejected, ...conflicts].sort((a, b) => a.index - b.index),
    duplicates: repeats,
  };
  const states = Object.values(streams);
  if (states.length > 0) receipt.streams = streams;
  if (states.length === 1) {
    const [only] = states as [AckState];
    Object.assign(receipt, {
      ackTill: only.ackTill,
      persistedTill: only.persistedTill,
      missing: only.missing,
      replay: only.replay,
      status: only.status,
    });
  }
  return receipt;
}
