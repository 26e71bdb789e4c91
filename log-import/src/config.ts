import { z } from 'zod';
import { parseEnv, ServiceName } from '@logstream/shared-types';

/**
 * The importer's configuration: command-line options (named like the fields below) over environment variables,
 * parsed once at start; a bad value fails with a readable message (exit 2).
 */
export const ImportConfig = z.object({
  /** Files to import, in order. CLI arguments. Required. */
  files: z.array(z.string().min(1)).min(1, 'name at least one file'),
  /** Ingestion API base URL. CLI `--url`, env `INGEST_URL`. Default http://127.0.0.1:3000. */
  url: z.url().default('http://127.0.0.1:3000'),
  /** API key sent as `x-api-key`. Env `API_KEY` (never a CLI option: it would show in the process list). Default none. */
  apiKey: z.string().min(1).optional(),
  /** Service of logs that name none (every line of a text file). CLI `--service`. Default: the file name as a slug. */
  service: ServiceName.optional(),
  /** Input format. CLI `--format`. Default `auto` (from the name, else the first character). */
  format: z.enum(['auto', 'ndjson', 'json', 'text']).default('auto'),
  /** Where the producer spools and the resume checkpoints live. CLI `--spool-dir`. Default `.logstream/import`. */
  spoolDir: z.string().min(1).default('.logstream/import'),
  /** How long to wait at the end for every log to be stored. CLI `--wait-ms`. Default 600000 (10 min). */
  waitMs: z.coerce.number().int().min(0).default(600_000),
  /** Print only one JSON summary per file on stdout. CLI `--json`. Default false. */
  json: z.boolean().default(false),
});
export type ImportConfig = z.output<typeof ImportConfig>;

/** Merges CLI options with `env` (`INGEST_URL`, `API_KEY`) and validates; throws a `ConfigError`. */
export function loadConfig(
  options: Record<string, unknown>,
  files: string[],
  env: Record<string, string | undefined> = process.env,
): ImportConfig {
  const fromEnv = { url: env.INGEST_URL, apiKey: env.API_KEY };
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return parseEnv(ImportConfig, { ...fromEnv, ...given, files } as unknown as Record<string, string>);
}

/** A service slug from a file name (`/var/log/Payment.API.log.gz` → `payment-api`); `import` when nothing is left. */
export function serviceFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/(\.gz)?$/i, '').replace(/\.(log|txt|ndjson|jsonl|json)$/i, '');
  const slug = stem
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 64);
  return slug.length > 0 ? slug : 'import';
}
