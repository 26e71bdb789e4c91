import { z } from 'zod';
import { parseStream, sequenceSpaceOf, SessionId, StreamName } from '@logstream/shared-types';
import { assertCanSeeStream, canSee, serviceOfStream } from '../auth/scope';
import { AppError } from '../errors';
import type { Handler } from '../http/types';
import type { IngestService } from '../services/ingest-service';

const AckQuery = z.object({ session: SessionId.optional() });

/**
 * `GET /ack/:stream?session=` (the stream URL-encoded, e.g. `payment%2Feu-1`): the ACK state of the stream's seqs
 * sent without a session, or of one producer session. A GET only reads.
 */
export function ackStateHandler(service: IngestService): Handler {
  return async (req) => {
    const stream = StreamName.safeParse(req.params.stream);
    if (!stream.success)
      throw new AppError('validation_failed', stream.error.issues[0]?.message ?? 'bad stream');
    assertCanSeeStream(req.principal, stream.data);
    const query = AckQuery.safeParse(req.query);
    if (!query.success)
      throw new AppError('validation_failed', query.error.issues[0]?.message ?? 'bad session');
    const space = sequenceSpaceOf({ ...parseStream(stream.data), session: query.data.session });
    return { status: 200, body: await service.state(space) };
  };
}

/** `GET /ack`: the ACK state of every active stream and producer session the caller may see (a service key: its own service's). */
export function ackListHandler(service: IngestService): Handler {
  return async (req) => {
    const states = await service.states();
    return {
      status: 200,
      body: { streams: states.filter((state) => canSee(req.principal, serviceOfStream(state.stream))) },
    };
  };
}
