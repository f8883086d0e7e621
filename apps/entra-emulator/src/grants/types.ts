import type { Request } from 'express';
import type { EmulatorContext } from '../context';
import { aad } from '../errors/entra';
import type { TokenResponse } from '../tokens';

/** One grant type's handler: validated form body in, token response out (or an AadError). */
export type GrantHandler = (
  ctx: EmulatorContext,
  req: Request,
  body: Record<string, string | undefined>,
  tenant: string,
) => Promise<TokenResponse>;

export function required(body: Record<string, string | undefined>, name: string): string {
  const value = body[name];
  if (value === undefined || value === '') throw aad.missingParameter(name);
  return value;
}
