import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths';
import { testMongoUrl, testRedisUrl } from '../testing';
import type { BenchReport } from './report';

const run = promisify(execFile);

/**
 * The short form of `npm run bench`: every mode runs for a moment against the real Redis and database, and the last
 * line is the report with every figure the issue asks for. Its numbers are not compared with anything (that is the
 * bench's own job); what must hold in any run is that nothing sent end to end was lost or stored twice.
 */
describe('npm run bench -- --smoke', () => {
  it('runs every mode and prints the whole report as its last line', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(repoRoot(), 'devstack', 'dist', 'cli', 'bench.js'), '--smoke', '--json', '--no-write'],
      {
        env: { ...process.env, REDIS_URL: testRedisUrl(), MONGO_URL: testMongoUrl() },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 110_000,
      },
    );
    const lines = stdout.trim().split('\n');
    const report = JSON.parse(lines[lines.length - 1] as string) as BenchReport;

    expect(report.smoke).toBe(true);
    for (const figure of [
      report.ceilings.queueAddLogsPerSec,
      report.ceilings.dbInsertLogsPerSec,
      report.ingest.single.logsPerSec,
      report.ingest.batch100.logsPerSec,
      report.naive.single.logsPerSec,
      report.endToEnd.logsPerSec,
    ]) {
      expect(figure).toBeGreaterThan(0);
    }
    // Where the CPU of a flat-out run goes, per request: read, not guessed.
    for (const cpu of [
      report.ingest.single.flatOut.cpuPerRequest,
      report.naive.single.flatOut.cpuPerRequest,
      report.ingest.batch100.run.cpuPerRequest,
    ]) {
      expect(cpu?.serverMs).toBeGreaterThan(0);
      expect(cpu?.redisMs).toBeGreaterThan(0);
      expect(cpu?.redisCommands).toBeGreaterThan(0);
    }
    expect(report.ingest.single.flatOut.errors + report.ingest.single.flatOut.non2xx).toBe(0);
    expect(report.ingest.batch100.run.errors + report.ingest.batch100.run.non2xx).toBe(0);
    expect(report.endToEnd).toMatchObject({ stored: report.endToEnd.sent, lost: 0, duplicates: 0 });
    expect(report.endToEnd.sent).toBeGreaterThan(0);
    for (const ratio of Object.values(report.ratios)) expect(Number.isFinite(ratio)).toBe(true);
    expect(Object.keys(report.targets).length).toBeGreaterThan(0);
  });
});
