import { describe, expect, it } from '@jest/globals';
import { parseDashboardConfig } from './config';

describe('parseDashboardConfig', () => {
  it('defaults to local services and derives the public URL and board link from API_URL', () => {
    expect(parseDashboardConfig({})).toEqual({
      mongoUrl: 'mongodb://127.0.0.1:27017',
      apiUrl: 'http://127.0.0.1:3000',
      publicApiUrl: 'http://127.0.0.1:3000',
      adminKey: undefined,
      apiTimeoutMs: 1500,
      boardUrl: 'http://127.0.0.1:3000/admin/queues',
    });
  });

  it('keeps the browser URL apart from the server URL and trims trailing slashes', () => {
    const config = parseDashboardConfig({
      API_URL: 'http://api:3000/',
      PUBLIC_API_URL: 'https://logs.example.com/',
      ADMIN_KEY: 'k'.repeat(20),
    });
    expect(config.apiUrl).toBe('http://api:3000');
    expect(config.publicApiUrl).toBe('https://logs.example.com');
    expect(config.boardUrl).toBe('https://logs.example.com/admin/queues');
    expect(config.adminKey).toBe('k'.repeat(20));
  });

  it('fails with every bad variable named', () => {
    expect(() => parseDashboardConfig({ MONGO_URL: 'postgres://x', API_URL: 'not a url' })).toThrow(
      /MONGO_URL[\s\S]*API_URL|API_URL[\s\S]*MONGO_URL/,
    );
  });
});
