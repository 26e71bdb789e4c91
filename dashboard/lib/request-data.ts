import { cache } from 'react';
import { AckState, FaultState, QueueHistory, QueueStats } from '@logstream/shared-types';
import { z } from 'zod';
import { apiGet } from './api';
import { rollupOverview } from './rollups';

// Per-request memoised reads, so several widgets of one page share one query or API call.

/** Rollup figures over the last hour (or `windowMinutes`). */
export const overview = cache((windowMinutes: number = 60) => rollupOverview(new Date(), windowMinutes));
/** `GET /queue/stats`. */
export const queueStats = cache(() => apiGet('/queue/stats', QueueStats));
/** `GET /queue/history`: the snapshots of the last minutes, oldest first. */
export const queueHistory = cache(() => apiGet('/queue/history', QueueHistory));
/** `GET /control`. */
export const faultState = cache(() => apiGet('/control', FaultState));
/** `GET /ack`. */
export const ackStates = cache(() => apiGet('/ack', z.object({ streams: z.array(AckState) })));
