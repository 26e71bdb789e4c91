import { describe, expect, it } from '@jest/globals';
import { csvField } from './csv';

describe('csvField', () => {
  it('neutralises every formula start with a leading apostrophe', () => {
    expect(csvField('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvField('+1+1')).toBe("'+1+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe('"\'\r=1"');
  });

  it('leaves ordinary text, numbers and JSON alone apart from quoting', () => {
    expect(csvField('charge accepted')).toBe('charge accepted');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(42)).toBe('42');
    expect(csvField({ amount: 1299 })).toBe('"{""amount"":1299}"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });
});
