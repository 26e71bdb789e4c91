import { z } from 'zod';
import { parseEnv, serviceEnv } from '@logstream/shared-types';

/** Settings of `npm run users` (the user-management CLI), read from the environment once. */
export const UsersCliConfig = z.object({
  /** MongoDB holding the dashboard's users, as the dashboard's MONGO_URL. Default mongodb://127.0.0.1:27017. */
  MONGO_URL: serviceEnv.MONGO_URL,
  /** The password for `create` / `reset-password` in scripts (instead of the prompt or stdin). Default unset. */
  USER_PASSWORD: z.string().optional(),
});
export type UsersCliConfig = z.output<typeof UsersCliConfig>;

/** Parses the environment; throws a readable ConfigError. */
export function loadUsersCliConfig(env: Record<string, string | undefined> = process.env): UsersCliConfig {
  return parseEnv(UsersCliConfig, env);
}

/** Settings of `npm run backfill:words`, read from the environment once. */
export const BackfillCliConfig = z.object({
  /** MongoDB holding the logs, as the worker's MONGO_URL. Default mongodb://127.0.0.1:27017. */
  MONGO_URL: serviceEnv.MONGO_URL,
});
export type BackfillCliConfig = z.output<typeof BackfillCliConfig>;

/** Parses the environment; throws a readable ConfigError. */
export function loadBackfillCliConfig(env: Record<string, string | undefined> = process.env): BackfillCliConfig {
  return parseEnv(BackfillCliConfig, env);
}
