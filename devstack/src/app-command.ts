import path from 'node:path';
import { repoRoot } from './paths';

/**
 * Node flags a service runs with wherever devstack starts it (`npm start`, the tests, the benchmarks); the
 * ingestion-api package's `start` script and docker-compose.yml pass the same. The API makes many short-lived objects
 * per request (parsed bodies, validated logs, job payloads): a 64 MB young generation (Node's default is 16 MB)
 * collects them less often: about 17 % less CPU per 100-log request under the quick bench's load, for 60–110 MB more
 * resident memory there (docs/benchmarks/2026-11-23-throughput.md).
 */
const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'ingestion-api': ['--max-semi-space-size=64'],
};

/** The arguments of `node` that start a service's built `main.js`: its flags, then the script (absolute path). */
export function appArgs(app: string): string[] {
  return [...(NODE_FLAGS[app] ?? []), path.join(repoRoot(), app, 'dist', 'main.js')];
}

/** The same as a command line from the repository root, for process managers (`node <flags> app/dist/main.js`). */
export function appCommandLine(app: string): string {
  return ['node', ...(NODE_FLAGS[app] ?? []), `${app}/dist/main.js`].join(' ');
}
