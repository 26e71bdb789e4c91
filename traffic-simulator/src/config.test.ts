import { ConfigError } from '@logstream/shared-types';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config';
import { localStackMongoUrl } from './local-stack';

describe('simulator config', () => {
  it('applies defaults, a fresh run id and 10 s when neither count nor duration is given', () => {
    const config = loadConfig({}, {}, () => undefined);
    expect(config).toMatchObject({
      url: 'http://127.0.0.1:3000',
      rate: 1000,
      duration: 10,
      services: ['auth', 'payment', 'notification'],
      mongoUrl: 'mongodb://127.0.0.1:27017',
      json: false,
      drop: 0,
    });
    expect(config.runId).toMatch(/^run-[0-9a-f]{8}$/);
    expect(loadConfig({}, {}).runId).not.toBe(config.runId);
  });

  it('lets CLI options win over the environment and coerces numbers', () => {
    const config = loadConfig(
      { count: '200', services: 'a, b', drop: '0.05', json: true },
      { MONGO_URL: 'mongodb://db:27017/x', SIM_SERVICES: 'zzz', INGEST_URL: 'http://api:3000' },
    );
    expect(config).toMatchObject({
      count: 200,
      duration: undefined,
      services: ['a', 'b'],
      drop: 0.05,
      json: true,
    });
    expect(config.mongoUrl).toBe('mongodb://db:27017/x');
    expect(config.url).toBe('http://api:3000');
  });

  it('refuses bad options with one line per problem', () => {
    expect(() => loadConfig({ drop: '1.5' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ drop: '1.5', rate: '-1' }, {})).toThrow(/--drop: drop must be between 0 and 1/);
    expect(() => loadConfig({ drop: '1.5', rate: '-1' }, {})).toThrow(/--rate: rate must be above 0/);
    expect(() => loadConfig({ errorRatio: '2' }, {})).toThrow(/--error-ratio: /);
    expect(() => loadConfig({ count: '10', duration: '5' }, {})).toThrow(/either --duration or --count/);
    expect(() => loadConfig({ services: 'Auth Service' }, {})).toThrow(/service must be/);
    expect(() => loadConfig({ url: 'not a url' }, {})).toThrow(/url/);
  });

  it("counts in the running npm start's database when no MongoDB URL is given", () => {
    expect(loadConfig({}, {}, () => 'mongodb://127.0.0.1:41234/logstream').mongoUrl).toBe(
      'mongodb://127.0.0.1:41234/logstream',
    );
    // An explicit URL still wins.
    expect(
      loadConfig({}, { MONGO_URL: 'mongodb://db:1/x' }, () => 'mongodb://127.0.0.1:41234/logstream').mongoUrl,
    ).toBe('mongodb://db:1/x');
  });

  it("reads npm start's endpoints file only while that process lives", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-'));
    const file = path.join(dir, 'endpoints.json');
    const write = (pid: number) =>
      fs.writeFileSync(
        file,
        JSON.stringify({ pid, apiUrl: 'http://127.0.0.1:3000', mongoUrl: 'mongodb://h:2/logstream' }),
      );
    write(process.pid);
    expect(localStackMongoUrl(file)).toBe('mongodb://h:2/logstream');
    write(2 ** 22 + 12345); // above Linux's pid_max: no such process
    expect(localStackMongoUrl(file)).toBeUndefined();
    expect(localStackMongoUrl(path.join(dir, 'missing.json'))).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
