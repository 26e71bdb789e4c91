/** Resolves true as soon as `condition()` holds (checked every 20 ms), or false once `timeoutMs` passed. */
export function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () => {
      if (condition()) return resolve(true);
      if (Date.now() >= deadline) return resolve(false);
      setTimeout(check, 20);
    };
    check();
  });
}
