import { GraphError } from '../../errors/wire';

/** The `$filter`s the emulator's Graph understands. */
export interface GraphFilter {
  field: 'displayName' | 'appId' | 'identifierUris';
  value: string;
}

/** `displayName eq '…'`, `appId eq '…'` or `identifierUris/any(x:x eq '…')`. */
export function parseFilter(filter: unknown): GraphFilter | undefined {
  if (filter === undefined) return undefined;
  const text = String(filter).trim();
  const quoted = "'((?:[^']|'')*)'";
  const eq = new RegExp(`^(displayName|appId) eq ${quoted}$`).exec(text);
  if (eq) return { field: eq[1] as 'displayName' | 'appId', value: eq[2].replace(/''/g, "'") };
  const any = new RegExp(`^identifierUris/any\\((\\w+):\\s*\\1 eq ${quoted}\\)$`).exec(text);
  if (any) return { field: 'identifierUris', value: any[2].replace(/''/g, "'") };
  throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported $filter: ${text}`);
}
