// A TypeScript (ESM) service that validates the caller's token with @obo/token-validation and
// exchanges it On-Behalf-Of for an Azure Resource Manager token with @obo/token-acquisition,
// then lists the caller's subscriptions. The README shows this file.
import { request } from 'node:https';
import express, { type ErrorRequestHandler } from 'express';
import { loadApiConfig } from '@obo/config';
import { OboClient, TokenAcquisitionError } from '@obo/token-acquisition';
import {
  authenticateBearer,
  bearerErrorBody,
  createTokenValidator,
  getValidatedToken,
  requireScopes,
  TokenValidationError,
} from '@obo/token-validation';

export interface Service {
  app: express.Express;
  close(): void;
}

/** `env`: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, … */
export function createService(env: Record<string, string>): Service {
  const config = loadApiConfig({ env, envFile: false });
  const validator = createTokenValidator(config.identity.tokenValidation(config.tokenValidation));
  const obo = new OboClient({ identity: config.identity, client: config.client });
  const ca = config.identity.extraCa?.pem;

  const app = express();
  app.get(
    '/subscriptions',
    authenticateBearer(validator, { realm: 'api' }),
    requireScopes(config.tokenValidation.requiredScope),
    async (req, res, next) => {
      try {
        const caller = getValidatedToken(req);
        if (!caller) throw new Error('authenticateBearer ran before this handler');
        const arm = await obo.acquire({
          assertion: caller.assertion,
          tenantId: caller.tenantId,
          scopes: [config.arm.scope],
        });
        const url = `${config.arm.endpoint}/subscriptions?api-version=2022-12-01`;
        const page = await getJson(url, arm.accessToken, ca);
        res.json({ tokenSource: arm.source, value: page.value });
      } catch (err) {
        next(err);
      }
    },
  );
  const errors: ErrorRequestHandler = (err, _req, res, next) => {
    if (err instanceof TokenValidationError) {
      res.status(err.status).set(err.headers).json(bearerErrorBody(err));
    } else if (err instanceof TokenAcquisitionError) {
      res.status(err.status).json({ error: err.code });
    } else {
      next(err);
    }
  };
  app.use(errors);
  return { app, close: () => obo.close() };
}

interface SubscriptionPage {
  value: { subscriptionId: string; displayName: string }[];
}

function getJson(url: string, token: string, ca?: string): Promise<SubscriptionPage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(body) as SubscriptionPage)
          : reject(new Error(`ARM answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject).end();
  });
}
