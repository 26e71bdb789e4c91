import { ControlRequest } from '@logstream/shared-types';
import { AppError } from '../errors';
import type { Handler } from '../http/types';
import type { Announcer } from '../realtime/announcer';
import type { FaultService } from '../services/fault-service';

/** `GET /control`: the faults in force. */
export function faultStateHandler(faults: FaultService): Handler {
  return async () => ({ status: 200, body: await faults.state() });
}

/** `POST /control {action, durationMs?}`: injects a fault or resets; announced over socket.io. */
export function controlHandler(faults: FaultService, announcer: () => Announcer | undefined): Handler {
  return async (req) => {
    const parsed = ControlRequest.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'validation_failed',
        `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const result = await faults.control(parsed.data);
    announcer()?.control(result);
    return { status: 200, body: result };
  };
}
