import { HeldLogsBudget } from './held-logs-budget';

describe('HeldLogsBudget', () => {
  it('narrows every queue at once for big jobs and widens slowly back for small ones', () => {
    const queues = [{ concurrency: 0 }, { concurrency: 0 }];
    const budget = new HeldLogsBudget(queues, { maxHeldLogs: 20_000, maxJobsPerQueue: 32 });
    // Nothing seen yet: small jobs assumed, the job cap applies.
    expect(queues.map((q) => q.concurrency)).toEqual([32, 32]);
    budget.observe(1_000);
    // 20 000 logs over 2 queues of 1 000-log jobs: 10 jobs each.
    expect(queues.map((q) => q.concurrency)).toEqual([10, 10]);
    budget.observe(1);
    expect(budget.perQueue).toBe(10);
    for (let i = 0; i < 200; i++) budget.observe(1);
    expect(budget.perQueue).toBe(32);
    // Never below one job, however big a job is.
    budget.observe(1_000_000);
    expect(queues.map((q) => q.concurrency)).toEqual([1, 1]);
  });
});
