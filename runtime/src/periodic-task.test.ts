import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs its step every interval, never two at once, goes on after a failure, and stop waits for the step', async () => {
    let steps = 0;
    let running = 0;
    let mostRunning = 0;
    let finished = 0;
    let release: () => void = () => undefined;
    const errors: unknown[] = [];
    const task = new PeriodicTask(
      async () => {
        steps += 1;
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise<void>((resolve) => (release = resolve));
        running -= 1;
        finished += 1;
        if (steps === 1) throw new Error('first step failed');
      },
      10,
      (error) => errors.push(error),
    );
    task.start();
    task.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(steps).toBe(1);
    // Ticks that fall inside a running step start nothing.
    await jest.advanceTimersByTimeAsync(50);
    expect(steps).toBe(1);
    // The first step fails: reported, and the next tick runs the next step.
    release();
    await jest.advanceTimersByTimeAsync(10);
    expect(errors).toHaveLength(1);
    expect(steps).toBe(2);
    // stop waits for the step under way, and no step starts after it.
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(2);
    await jest.advanceTimersByTimeAsync(100);
    expect(steps).toBe(2);
    expect(mostRunning).toBe(1);
  });
});
