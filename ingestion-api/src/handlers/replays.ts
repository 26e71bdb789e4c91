import { z } from 'zod';
import { ReplayStatus, ReplayTrigger, StreamName } from '@logstream/shared-types';
import { assertCanSeeStream, canSee, serviceOfStream } from '../auth/scope';
import { AppError } from '../errors';
import type { Handler } from '../http/types';
import type { ReplayService } from '../services/replay-service';

const ListQuery = z.object({
  status: ReplayStatus.optional(),
  stream: StreamName.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    field: i.path.join('.') || '(body)',
    message: i.message,
  }));
  throw new AppError('validation_failed', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
}

/** `GET /replays?status=&stream=&limit=`: replay requests, newest first (a service key: its own streams'). */
export function listReplaysHandler(service: ReplayService): Handler {
  return async (req) => {
    const query = parse(ListQuery, req.query);
    if (query.stream) assertCanSeeStream(req.principal, query.stream);
    const replays = await service.list(query);
    return {
      status: 200,
      body: { replays: replays.filter((replay) => canSee(req.principal, serviceOfStream(replay.stream))) },
    };
  };
}

/** `POST /replays {stream, from, to}`: asks the stream's producer to resend a range. */
export function triggerReplayHandler(service: ReplayService): Handler {
  return async (req) => ({ status: 201, body: await service.trigger(parse(ReplayTrigger, req.body)) });
}
