import { describe, expect, it } from '@jest/globals';
import {
  lookupWord,
  MAX_WORD_LENGTH,
  MAX_WORDS,
  messageWords,
  textMatcher,
  wordBoundedPattern,
} from './message-words';

describe('messageWords', () => {
  it('keeps distinct lowercased runs of letters, digits and _ in order', () => {
    expect(messageWords('Upstream TIMEOUT after 3000 ms calling billing-svc (timeout)')).toEqual([
      'upstream',
      'timeout',
      'after',
      '3000',
      'ms',
      'calling',
      'billing',
      'svc',
    ]);
    expect(messageWords('user u_5150 signed in from DE')).toContain('u_5150');
    expect(messageWords('Größe überschritten: café')).toEqual(['größe', 'überschritten', 'café']);
    expect(messageWords('--> ::')).toEqual([]);
  });

  it('drops over-long runs and stops at the word cap', () => {
    expect(messageWords(`a ${'x'.repeat(MAX_WORD_LENGTH + 1)} b`)).toEqual(['a', 'b']);
    const many = Array.from({ length: MAX_WORDS + 20 }, (_, i) => `w${i}`).join(' ');
    expect(messageWords(many)).toHaveLength(MAX_WORDS);
  });
});

describe('lookupWord', () => {
  it('picks the longest word of the text, or null when there is none', () => {
    expect(lookupWord('heap limit')).toBe('limit');
    expect(lookupWord('card declined by')).toBe('declined');
    expect(lookupWord('/api/orders/:id')).toBe('orders');
    expect(lookupWord(' -> ')).toBeNull();
  });
});

describe('wordBoundedPattern and textMatcher', () => {
  it('matches the text literally, case-insensitively, on word boundaries', () => {
    const timeout = textMatcher('timeout');
    expect(timeout('upstream TIMEOUT after 3 s')).toBe(true);
    expect(timeout('timeout')).toBe(true);
    expect(timeout('(timeout)')).toBe(true);
    expect(timeout('timeouts piled up')).toBe(false);
    expect(timeout('no_timeout here')).toBe(false);
    expect(textMatcher('heap limit')('out of memory: heap limit reached')).toBe(true);
    expect(textMatcher('heap limit')('heap  limit')).toBe(false);
    expect(textMatcher('a.b')('aXb')).toBe(false);
    expect(textMatcher('a.b')('see a.b now')).toBe(true);
  });

  it('adds no boundary where the text starts or ends with punctuation', () => {
    expect(wordBoundedPattern('/api/')).toBe('\\/api\\/');
    expect(textMatcher('/api/')('GET /api/orders')).toBe(true);
    expect(textMatcher('-svc')('billing-svc')).toBe(true);
    expect(textMatcher('(a+)+$')('x (a+)+$')).toBe(true);
  });
});
