/**
 * Which part of the stack a source file belongs to: a package (grouped with the helpers it
 * pulls in), one of the workspace's libs or apps, or Node itself.
 */

/** Node's own JavaScript (`node:internal/…`, `node:http`, …). */
export const NODE_INTERNALS = 'node internals';
/** Frames without a script: V8 builtins and C++ bindings (`writev`, `verify`, …). */
export const NATIVE = 'native (V8 builtins, C++ bindings)';
export const GC = 'GC';
export const IDLE = 'idle';
export const PROGRAM = 'program (V8, no JS frame)';

/** Packages reported under one heading, by what pulled them into the bundle. */
const GROUPS: Record<string, string[]> = {
  axios: ['axios', 'proxy-from-env', 'form-data'],
  'express (+ router, body-parser, …)': [
    'express',
    'router',
    'body-parser',
    'finalhandler',
    'path-to-regexp',
    'qs',
    'parseurl',
    'on-finished',
    'ee-first',
    'type-is',
    'media-typer',
    'content-type',
    'accepts',
    'negotiator',
    'mime-types',
    'mime-db',
    'fresh',
    'etag',
    'send',
    'serve-static',
    'proxy-addr',
    'forwarded',
    'ipaddr.js',
    'vary',
    'depd',
    'http-errors',
    'statuses',
    'raw-body',
    'bytes',
    'iconv-lite',
    'unpipe',
    'encodeurl',
    'escape-html',
    'cookie',
    'cookie-signature',
    'content-disposition',
    'merge-descriptors',
    'setprototypeof',
    'range-parser',
    'is-promise',
    'debug',
    'ms',
  ],
  passport: ['passport', 'passport-strategy', 'utils-merge', 'pause'],
  'helmet / cors': ['helmet', 'cors', 'object-assign'],
  pino: [
    'pino',
    'pino-std-serializers',
    '@pinojs/redact',
    'fast-redact',
    'sonic-boom',
    'quick-format-unescaped',
    'safe-stable-stringify',
    'atomic-sleep',
    'thread-stream',
    'on-exit-leak-free',
    'pino-abstract-transport',
  ],
  'prom-client': ['prom-client', 'tdigest', 'bintrees'],
  '@azure/msal-*': ['@azure/msal-node', '@azure/msal-common'],
  'jwks-rsa / jose': ['jwks-rsa', 'jose', 'lru-memoizer', 'lru-cache', 'limiter'],
};
const GROUP_OF = new Map(
  Object.entries(GROUPS).flatMap(([group, packages]) => packages.map((p) => [p, group] as const)),
);

/** The package a `…/node_modules/<name>/…` path is in (scoped names kept whole). */
function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0];
}

/**
 * The category of an original source path (as a source map or a file URL names it).
 * `ownApp` labels paths relative to the bundle's own project (`../src/…` from its `dist/`).
 */
export function categoryOfPath(path: string, ownApp: string): string {
  const normalized = path.replace(/\\/g, '/');
  const pkg = packageOf(normalized);
  if (pkg) return GROUP_OF.get(pkg) ?? pkg;
  const workspace = /(?:^|\/)(libs|apps|tools)\/([^/]+)\/src\//.exec(normalized);
  if (workspace)
    return workspace[1] === 'libs' ? `@obo/${workspace[2]}` : `${workspace[1]}/${workspace[2]}`;
  if (/^(?:\.\.\/)*src\//.test(normalized)) return ownApp;
  return `other (${normalized})`;
}

/** Categories that are Node or V8 rather than code somebody chose to call. */
export function isRuntime(category: string): boolean {
  return category === NODE_INTERNALS || category === NATIVE;
}
