import { UnrecoverableError } from 'bullmq';
import { isFinalFailure } from './dead-letters';

describe('isFinalFailure', () => {
  const job = (attemptsMade: number, attempts: number, finishedOn?: number) => ({
    attemptsMade,
    opts: { attempts },
    finishedOn,
  });

  it('is final when the job went to the failed set, when attempts are spent, or when it can never succeed', () => {
    expect(isFinalFailure(job(1, 8, Date.now()), new Error('x'))).toBe(true);
    expect(isFinalFailure(job(8, 8), new Error('x'))).toBe(true);
    expect(isFinalFailure(job(1, 8), new UnrecoverableError('bad payload'))).toBe(true);
  });

  it('is not final while BullMQ will try again', () => {
    expect(isFinalFailure(job(1, 8), new Error('mongo down'))).toBe(false);
    expect(isFinalFailure(job(7, 8), new Error('mongo down'))).toBe(false);
  });
});
