/**
 * Resolves once `condition` holds, checking every 20 ms; rejects after `timeoutMs` (default
 * 5 000 ms). For state that changes outside the test's reach: a Redis client connecting, a
 * pub/sub subscription arriving.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
