import { presentedKey } from './credentials';

describe('presentedKey', () => {
  it('prefers x-api-key, then a bearer token', () => {
    expect(presentedKey({ 'x-api-key': ' k1 ', authorization: 'Bearer k2' })).toBe('k1');
    expect(presentedKey({ authorization: 'Bearer k2' })).toBe('k2');
    expect(presentedKey({})).toBeUndefined();
  });

  it('reads the basic-auth password only when allowed', () => {
    const basic = `Basic ${Buffer.from('anyone:s3cret:with-colon').toString('base64')}`;
    expect(presentedKey({ authorization: basic })).toBeUndefined();
    expect(presentedKey({ authorization: basic }, true)).toBe('s3cret:with-colon');
    expect(
      presentedKey({ authorization: `Basic ${Buffer.from('user:').toString('base64')}` }, true),
    ).toBeUndefined();
  });
});
