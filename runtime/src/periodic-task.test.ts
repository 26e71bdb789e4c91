import { PeriodicTask } from './periodic-task';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('runs its step every interval, never two at once, goes on after a failure, and stop waits for the step', async () => {
    let running = 0;
    let mostRunning = 0;
    let steps = 0;
    let finished = 0;
    const errors: unknown[] = [];
    const task = new PeriodicTask(
      async () => {
        steps += 1;
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        // Longer than the interval: ticks that fall inside it start nothing.
        await pause(35);
        running -= 1;
        finished += 1;
        if (steps === 1) throw new Error('first step failed');
      },
      10,
      (error) => errors.push(error),
    );
    task.start();
    task.start();
    await pause(150);
    await task.stop();
    expect(mostRunning).toBe(1);
    expect(steps).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(steps);
    expect(errors).toHaveLength(1);
    const stoppedAt = steps;
    await pause(40);
    expect(steps).toBe(stoppedAt);
  });
});
