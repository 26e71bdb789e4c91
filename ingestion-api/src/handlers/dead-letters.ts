import { z } from 'zod';
import { AppError } from '../errors';
import type { Handler } from '../http/types';
import type { DeadLetterService } from '../services/dead-letter-service';

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** `GET /dead-letters?limit=`: the newest dead letters (admin). */
export function listDeadLettersHandler(service: DeadLetterService): Handler {
  return async (req) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) throw new AppError('validation_failed', 'limit must be an integer from 1 to 1000');
    return { status: 200, body: { deadLetters: await service.list(query.data.limit) } };
  };
}

/** `POST /dead-letters/:id/retry`: sends a dead letter back to the ingest queue (admin). */
export function retryDeadLetterHandler(service: DeadLetterService): Handler {
  return async (req) => ({ status: 202, body: await service.retry(req.params.id ?? '') });
}
