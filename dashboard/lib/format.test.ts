import { describe, expect, it } from '@jest/globals';
import { streamHealth } from './format';

describe('streamHealth', () => {
  it('reads a stream with seqs still arriving as neutral "receiving", not a warning', () => {
    const health = streamHealth({ status: 'partial', missing: [[5, 6]], replay: [] });
    expect(health).toMatchObject({ label: 'receiving', tone: 'neutral' });
  });

  it('warns only when a replay is open', () => {
    expect(streamHealth({ status: 'partial', missing: [[5, 6]], replay: [[5, 6]] }).tone).toBe('warn');
  });

  it('is ok when nothing is missing', () => {
    expect(streamHealth({ status: 'ok', missing: [], replay: [] })).toMatchObject({
      label: 'ok',
      tone: 'ok',
    });
  });
});
