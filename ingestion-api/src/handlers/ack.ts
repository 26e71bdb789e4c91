import { StreamName } from '@logstream/shared-types';
import { assertCanSeeStream, canSee, serviceOfStream } from '../auth/scope';
import { AppError } from '../errors';
import type { Handler } from '../http/types';
import type { IngestService } from '../services/ingest-service';

/** `GET /ack/:stream` (the stream URL-encoded, e.g. `payment%2Feu-1`): the stream's ACK state. */
export function ackStateHandler(service: IngestService): Handler {
  return async (req) => {
    const parsed = StreamName.safeParse(req.params.stream);
    if (!parsed.success)
      throw new AppError('validation_failed', parsed.error.issues[0]?.message ?? 'bad stream');
    assertCanSeeStream(req.principal, parsed.data);
    const state = await service.state(parsed.data);
    await service.noteReplaysReported({ [state.stream]: state });
    return { status: 200, body: state };
  };
}

/** `GET /ack`: the ACK state of every stream the caller may see (a service key: its own service's). */
export function ackListHandler(service: IngestService): Handler {
  return async (req) => {
    const states = await service.states();
    return {
      status: 200,
      body: { streams: states.filter((state) => canSee(req.principal, serviceOfStream(state.stream))) },
    };
  };
}
