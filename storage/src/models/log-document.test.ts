import { describe, expect, it } from '@jest/globals';
import { logDocument } from './log-document';

describe('logDocument', () => {
  it('adds the derived fields every search relies on', () => {
    const doc = logDocument(
      {
        id: 'payment/eu-1@7',
        service: 'payment',
        instance: 'eu-1',
        seq: 7,
        level: 'error',
        message: 'Card DECLINED for order o_42 (card declined)',
        ts: '2026-11-23T08:15:42.123Z',
        requestId: 'req_1',
        meta: { 'http.status': 402 },
      },
      {
        receivedAt: new Date('2026-11-23T08:15:42.200Z'),
        storedAt: new Date('2026-11-23T08:15:42.300Z'),
        batchId: 'b1',
        flushRef: 'w1:3',
      },
    );
    expect(doc).toMatchObject({
      _id: 'payment/eu-1@7',
      stream: 'payment/eu-1',
      instance: 'eu-1',
      words: ['card', 'declined', 'for', 'order', 'o_42'],
      minute: new Date('2026-11-23T08:15:00.000Z'),
      hour: new Date('2026-11-23T08:00:00.000Z'),
      flushRef: 'w1:3',
      requestId: 'req_1',
    });
    expect(Object.keys(doc.meta as object)).not.toContain('http.status');
    expect(doc).not.toHaveProperty('traceId');
  });
});
