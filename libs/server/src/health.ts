import { Router } from 'express';

/** A dependency `/readyz` asks about. */
export interface ReadinessCheck {
  /** Its key in the `/readyz` body, e.g. `redis`. */
  name: string;
  /** Resolves true when the dependency is usable. A rejection counts as failing. */
  check(): Promise<boolean>;
}

export interface HealthOptions {
  /** Longest wait for one check before it counts as failing. Default 2 000 ms. */
  checkTimeoutMs?: number;
}

/**
 * `/healthz`: the process is alive (`{"status":"ok"}`). `/readyz`: every check answers
 * (`200 {"status":"ready","checks":{name:"ok"}}`, else 503 `not_ready` naming the failing
 * ones). Never cached.
 */
export function healthRoutes(
  checks: readonly ReadinessCheck[],
  options: HealthOptions = {},
): Router {
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => [name, await passes(check, timeoutMs)] as const),
    );
    const ready = results.every(([, ok]) => ok);
    res
      .status(ready ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({
        status: ready ? 'ready' : 'not_ready',
        checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
      });
  });
  return router;
}

function passes(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    // A check that throws instead of rejecting counts as failing too.
    Promise.resolve()
      .then(check)
      .then(
        (ok) => settle(ok === true),
        () => settle(false),
      );
  });
}
