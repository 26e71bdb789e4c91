import pino, { type Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The service's name, on every line. */
  name: string;
  /** pino level. */
  level: string;
  /** Human-readable output (npm start) instead of JSON lines. */
  pretty: boolean;
}

/** The process's root logger; modules take `logger.child({ module })`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.name,
    level: options.level,
    transport: options.pretty
      ? { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } }
      : undefined,
  });
}
