import type { RedisClient } from './redis';

/** Calls a script defined with {@link defineScript}: its KEYS, then its ARGV. */
export type ScriptCall = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * Registers a Lua script on a connection with ioredis `defineCommand` (sent once, then called by its SHA; ioredis
 * resends the text by itself when Redis answers NOSCRIPT after a restart) and returns a typed caller.
 */
export function defineScript(
  redis: RedisClient,
  name: string,
  script: { numberOfKeys: number; lua: string },
): ScriptCall {
  if (!(name in redis)) redis.defineCommand(name, script);
  const command = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[
    name
  ] as (...args: (string | number)[]) => Promise<unknown>;
  return (keys, args) => command.call(redis, ...keys, ...args);
}
