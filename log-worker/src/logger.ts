import pino, { type Logger } from 'pino';

/** The process's root logger; modules take `logger.child({ module })`. */
export function createLogger(options: { level: string; pretty: boolean; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    transport: options.pretty
      ? { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } }
      : undefined,
  });
}
