import { Router } from 'express';
import { jsonBody } from '../body';
import type { EmulatorContext } from '../context';
import type { EmulatorControls } from '../controls';
import { errorHandler } from '../errors/render';
import { PlainError } from '../errors/wire';
import { isObject } from '../jwt';

/** The control plane under `/_emulator` (tests and tooling only; disable with controlPlane=false). */
export function controlRoutes(ctx: EmulatorContext, controls: EmulatorControls): Router {
  const router = Router();
  router.use(jsonBody());
  const bad = (message: string) => new PlainError(400, 'invalid_request', message);

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
  // Continuous Access Evaluation's critical events, as an administrator causes them.
  const noUser = () => new PlainError(404, 'not_found', 'No such user.');
  const event = (path: string, act: (user: string) => boolean) =>
    router.post(`/users/:user/${path}`, (req, res) => {
      if (!act(String(req.params.user))) throw noUser();
      res.status(204).end();
    });
  event('revoke', controls.revokeUser);
  event('disable', controls.disableUser);
  event('enable', controls.enableUser);
  router.post('/users/:user/password', (req, res) => {
    const password = isObject(req.body) ? req.body.password : undefined;
    if (typeof password !== 'string' || password.length === 0 || password.length > 256) {
      throw bad('password: expected a string of 1 to 256 characters');
    }
    if (!controls.changePassword(String(req.params.user), password)) throw noUser();
    res.status(204).end();
  });
  router.get('/users/:user/events', (req, res) => {
    const access = controls.userAccess(String(req.params.user));
    if (!access) throw noUser();
    res.json(access);
  });
  router.post('/reset', (_req, res) => {
    controls.reset();
    res.status(204).end();
  });
  router.use(() => {
    throw new PlainError(404, 'not_found', 'Unknown control-plane endpoint.');
  });
  router.use(errorHandler(ctx, 'control'));
  return router;
}
