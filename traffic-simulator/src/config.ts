import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, InstanceName, parseEnv, ServiceName } from '@logstream/shared-types';
import { localStackMongoUrl } from './local-stack';

const probability = (name: string) =>
  z.coerce.number().min(0, `${name} must be between 0 and 1`).max(1, `${name} must be between 0 and 1`);

/**
 * The simulator's whole configuration: command-line options (already named like the fields below) over
 * environment variables, parsed once at start. Invalid values fail with a readable message (exit 2).
 */
export const SimulatorConfig = z
  .object({
    /** Ingestion API base URL. CLI `--url`, env `INGEST_URL`. Default http://127.0.0.1:3000. */
    url: z.url().default('http://127.0.0.1:3000'),
    /** Total logs per second over all services. CLI `--rate`, env `SIM_RATE`. Default 1000. */
    rate: z.coerce.number().positive('rate must be above 0').max(1_000_000).default(1000),
    /** Run for this many seconds. CLI `--duration`. Default 10 when `count` is not given either. */
    duration: z.coerce.number().positive('duration must be above 0').optional(),
    /** Send exactly this many logs in total. CLI `--count`. Default none (use `duration`). */
    count: z.coerce.number().int('count must be a whole number').positive('count must be above 0').optional(),
    /** Comma-separated services. CLI `--services`, env `SIM_SERVICES`. Default auth,payment,notification. */
    services: z
      .string()
      .default('auth,payment,notification')
      .transform((raw) =>
        raw
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .pipe(z.array(ServiceName).min(1, 'services must name at least one service')),
    /** Burst factor: for 1 s in every 5 s the rate is multiplied by it. CLI `--burst`. Default 1 (no bursts). */
    burst: z.coerce.number().min(1, 'burst must be at least 1').max(100).default(1),
    /** Share of cross-service requests that fail (error logs). CLI `--error-ratio`. Default 0.05. */
    errorRatio: probability('error-ratio').default(0.05),
    /** Chaos (test-only): probability that a batch is dropped before sending. CLI `--drop`. Default 0. */
    drop: probability('drop').default(0),
    /** Chaos: probability that a batch is sent twice. CLI `--dup`. Default 0. */
    dup: probability('dup').default(0),
    /** Chaos: probability that two batches are sent in swapped order. CLI `--reorder`. Default 0. */
    reorder: probability('reorder').default(0),
    /** API key sent as `x-api-key`. CLI `--api-key`, env `API_KEY`. Default none. */
    apiKey: z.string().min(1).optional(),
    /** MongoDB to count stored logs in (database from the path, else `logstream`). CLI `--mongo-url`, env `MONGO_URL`. Default: the database of a running `npm start` of this checkout, else mongodb://127.0.0.1:27017. */
    mongoUrl: z
      .string()
      .startsWith('mongodb', 'mongo-url must be a mongodb:// URL')
      .default('mongodb://127.0.0.1:27017'),
    /** Print only one JSON object on stdout at the end. CLI `--json`. Default false. */
    json: z.boolean().default(false),
    /** Directory for producer spools (one file per stream); none keeps logs in memory only. CLI `--spool-dir`. Default none. */
    spoolDir: z.string().min(1).optional(),
    /** At the end, how long storage may go without storing a single new log before the run stops waiting. CLI `--settle-ms`. Default 60000. */
    settleMs: z.coerce.number().int().min(0).default(60_000),
    /** Run id, used as every stream's instance (`auth/<runId>`) so runs never mix; reuse it to resume from a spool. CLI `--run-id`. Default `run-` + 8 random hex digits. */
    runId: InstanceName.default(() => `run-${randomBytes(4).toString('hex')}`),
  })
  .refine((c) => !(c.duration !== undefined && c.count !== undefined), {
    message: 'give either --duration or --count, not both',
    path: ['count'],
  })
  .transform((c) => ({ ...c, duration: c.count === undefined ? (c.duration ?? 10) : undefined }));
export type SimulatorConfig = z.output<typeof SimulatorConfig>;

/**
 * Merges parsed CLI options (camelCase keys, values as commander gives them) over the environment and validates.
 * Throws shared-types' `ConfigError` with one line per bad option.
 */
export function loadConfig(
  cli: Record<string, unknown>,
  env: Record<string, string | undefined> = process.env,
  localMongoUrl: () => string | undefined = localStackMongoUrl,
): SimulatorConfig {
  const fromEnv: Record<string, string | undefined> = {
    url: env.INGEST_URL,
    rate: env.SIM_RATE,
    services: env.SIM_SERVICES,
    apiKey: env.API_KEY,
    // Else the database of the `npm start` running from this checkout, if any (see local-stack.ts).
    mongoUrl: env.MONGO_URL ?? localMongoUrl(),
  };
  const defined = Object.fromEntries(Object.entries(cli).filter(([, value]) => value !== undefined));
  try {
    return parseEnv(SimulatorConfig, { ...fromEnv, ...defined } as Record<string, string | undefined>);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Name options as they are typed: `errorRatio:` → `--error-ratio:`.
    throw new ConfigError(
      error.message.replace(
        /^ {2}([a-zA-Z]+):/gm,
        (_, key: string) => `  --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:`,
      ),
    );
  }
}
