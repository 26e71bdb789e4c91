import { ConfigError } from '@logstream/shared-types';
import { loadConfig } from './config';

describe('simulator config', () => {
  it('applies defaults, a fresh run id and 10 s when neither count nor duration is given', () => {
    const config = loadConfig({}, {});
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
});
