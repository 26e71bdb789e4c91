import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('accrues at the rate, caps at one second of tokens, and spends', () => {
    const bucket = new TokenBucket(100, 0);
    expect(bucket.available(0)).toBe(0);
    expect(bucket.available(250)).toBe(25);
    bucket.take(20);
    expect(bucket.available(250)).toBe(5);
    expect(bucket.available(60_000)).toBe(100);
  });
});
