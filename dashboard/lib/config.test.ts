import { describe, expect, it } from '@jest/globals';
import { parseDashboardConfig } from './config';

describe('parseDashboardConfig', () => {
  it('defaults to local services and derives the public URL and board link from API_URL', () => {
    expect(parseDashboardConfig({})).toMatchObject({
      mongoUrl: 'mongodb://127.0.0.1:27017',
      apiUrl: 'http://127.0.0.1:3000',
      publicApiUrl: 'http://127.0.0.1:3000',
      adminKey: undefined,
      apiTimeoutMs: 1500,
      boardUrl: 'http://127.0.0.1:3000/admin/queues',
      // No session secret and no first admin by default: nobody signs in until they are configured.
      sessionSecret: undefined,
      firstAdmin: undefined,
      sessionTtlMs: 12 * 3_600_000,
      cookieSecure: 'auto',
      queryTimeoutMs: 30_000,
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

  it('takes the first admin only as a pair with a real password, and refuses short secrets', () => {
    expect(
      parseDashboardConfig({ ADMIN_EMAIL: ' Root@Example.com ', ADMIN_PASSWORD: 'a long enough password' })
        .firstAdmin,
    ).toEqual({ email: 'root@example.com', password: 'a long enough password' });
    expect(() => parseDashboardConfig({ ADMIN_EMAIL: 'root@example.com' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => parseDashboardConfig({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD must be at least 12/,
    );
    expect(() => parseDashboardConfig({ SESSION_SECRET: 'too-short' })).toThrow(/SESSION_SECRET/);
    expect(parseDashboardConfig({ COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
  });
});
