import { Router, type ErrorRequestHandler } from 'express';
import { requestProblem, jsonBody } from '../body';
import type { EmulatorControls } from '../controls';
import { isObject } from '../jwt';

/** The control plane under `/_emulator` (tests and tooling only; disable with controlPlane=false). */
export function controlRoutes(controls: EmulatorControls): Router {
  const router = Router();
  router.use(jsonBody());
  const bad = (message: string) => Object.assign(new Error(message), { status: 400, expose: true });

  router.get('/seed', (_req, res) => res.json(controls.publicSeed()));
  router.get('/counters', (_req, res) => res.json(controls.counters()));
  router.post('/counters/reset', (_req, res) => {
    controls.resetCounters();
    res.status(204).end();
  });
  router.get('/faults', (_req, res) => res.json({ value: controls.faults.list() }));
  router.post('/faults', (req, res) => {
    const specs = Array.isArray(req.body) ? req.body : [req.body];
    try {
      specs.forEach((spec) => controls.faults.add(spec));
    } catch (err) {
      throw bad((err as Error).message);
    }
    res.status(201).json({ value: controls.faults.list() });
  });
  router.delete('/faults', (_req, res) => {
    controls.faults.clear();
    res.status(204).end();
  });
  router.post('/keys/rotate', (req, res) => {
    const overlap = isObject(req.body) ? req.body.overlapSeconds : undefined;
    if (overlap !== undefined && !(typeof overlap === 'number' && overlap >= 0)) {
      throw bad('overlapSeconds: expected a number ≥ 0');
    }
    res.json(controls.rotateKeys({ overlapSeconds: overlap as number | undefined }));
  });
  router.post('/tokens', (req, res) => {
    const body = isObject(req.body) ? req.body : undefined;
    const claims = body && isObject(body.claims) ? body.claims : body;
    if (!claims)
      throw bad('expected a JSON object of claims (or {claims, lifetimeSeconds, untrustedKey})');
    const lifetime = body?.lifetimeSeconds;
    const token = controls.mintToken(claims, {
      lifetimeSeconds: typeof lifetime === 'number' ? lifetime : undefined,
      untrustedKey: body?.untrustedKey === true,
    });
    res.json({ access_token: token, token_type: 'Bearer' });
  });
  router.post('/users/:user/revoke', (req, res) => {
    if (!controls.revokeUser(String(req.params.user))) {
      res.status(404).json({ error: 'not_found', error_description: 'No such user.' });
      return;
    }
    res.status(204).end();
  });
  router.post('/reset', (_req, res) => {
    controls.reset();
    res.status(204).end();
  });
  router.use((_req, res) => {
    res
      .status(404)
      .json({ error: 'not_found', error_description: 'Unknown control-plane endpoint.' });
  });
  router.use(((err, _req, res, _next) => {
    const problem = requestProblem(err);
    if (problem) {
      res
        .status(problem.status)
        .json({ error: 'invalid_request', error_description: problem.detail });
      return;
    }
    const status = typeof err?.status === 'number' && err.status < 500 ? err.status : 500;
    res.status(status).json({
      error: status < 500 ? 'invalid_request' : 'server_error',
      error_description: status < 500 ? String(err.message) : 'Internal error.',
    });
  }) as ErrorRequestHandler);
  return router;
}
