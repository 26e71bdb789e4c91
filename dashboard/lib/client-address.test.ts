import { describe, expect, it } from '@jest/globals';
import { clientAddress, safeNext } from './client-address';

const headers = (xff: string | null) => ({
  get: (name: string) => (name === 'x-forwarded-for' ? xff : null),
});

describe('clientAddress', () => {
  it('takes the last hop, the one the nearest proxy wrote', () => {
    expect(clientAddress(headers('1.2.3.4, 10.0.0.7'), true)).toBe('10.0.0.7');
    expect(clientAddress(headers('127.0.0.1'), true)).toBe('127.0.0.1');
    expect(clientAddress(headers(null), true)).toBe('unknown');
    expect(clientAddress(headers('1.2.3.4'), false)).toBe('direct');
  });
});

describe('safeNext', () => {
  it('keeps same-site paths and refuses anything that leaves the site', () => {
    expect(safeNext('/logs?q=x')).toBe('/logs?q=x');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext({ $ne: null })).toBe('/');
  });
});
