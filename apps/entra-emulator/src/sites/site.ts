import type { RequestHandler, Response } from 'express';
import { PlainError } from '../errors/wire';
import type { Tenant } from '../tenants/tenant';
import { ARM_HOST, GRAPH_HOST, localNames, MICROSOFT_NAMES, type PublicNames } from './names';

/** What a host serves: everything (the emulator's own origin), a login host, ARM or Graph. */
export type SiteKind = 'local' | 'identity' | 'arm' | 'graph';

/**
 * Where a request arrived, as the client sees it: the origin it addressed, the set of names the
 * emulator answers with there, and what that host serves. Routes write every URL and issuer a
 * client sees from the request's site (`siteOf(res)`), never from a fixed origin.
 */
export interface Site {
  readonly kind: SiteKind;
  /** The origin the client addressed, e.g. `https://login.windows.net` or the emulator's URL. */
  readonly origin: string;
  readonly names: PublicNames;
  /** Whether the tenant's endpoints answer here (locally all; a login host its own tenants). */
  serves(tenant: Tenant): boolean;
}

interface HostEntry {
  kind: Exclude<SiteKind, 'local'>;
  tenants: ReadonlySet<Tenant>;
}

/**
 * The emulator's sites: its own origin, and in transparent mode Microsoft's hosts — each
 * tenant's login hosts (`login.microsoftonline.com` and `login.windows.net` for the workforce
 * tenant, `{name}.b2clogin.com`, `{name}.ciamlogin.com` and `{tid}.ciamlogin.com`),
 * `management.azure.com` and `graph.microsoft.com`.
 */
export class Sites {
  readonly local: Site;
  private readonly hosts = new Map<string, HostEntry>();

  constructor(
    localUrl: string,
    tenants: readonly Tenant[],
    readonly transparent: boolean,
  ) {
    this.local = {
      kind: 'local',
      origin: localUrl,
      names: localNames(localUrl),
      serves: () => true,
    };
    if (!transparent) return;
    for (const tenant of tenants) {
      for (const origin of tenant.origins(MICROSOFT_NAMES)) {
        const host = new URL(origin).host;
        const served = new Set(this.hosts.get(host)?.tenants ?? []);
        served.add(tenant);
        this.hosts.set(host, { kind: 'identity', tenants: served });
      }
    }
    this.hosts.set(ARM_HOST, { kind: 'arm', tenants: new Set() });
    this.hosts.set(GRAPH_HOST, { kind: 'graph', tenants: new Set() });
  }

  /** Every set of names a client may have been given: issuers of all of them are the emulator's. */
  get allNames(): PublicNames[] {
    return this.transparent ? [this.local.names, MICROSOFT_NAMES] : [this.local.names];
  }

  /** The Microsoft host names served in transparent mode (certificates, name routing). */
  hostNames(): string[] {
    return [...this.hosts.keys()].sort();
  }

  /** True when `host` (a name, no port) is one of the Microsoft hosts served. */
  serves(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/\.$/, ''));
  }

  /**
   * The site a transparent-mode request addresses by its `Host` header (`name[:port]`), or
   * undefined when the emulator does not stand in for that host.
   */
  byHost(hostHeader: string | undefined): Site | undefined {
    const match = /^([a-z0-9.-]+?)\.?(?::(\d{1,5}))?$/i.exec(hostHeader ?? '');
    if (!match) return undefined;
    const name = match[1].toLowerCase();
    const entry = this.hosts.get(name);
    if (!entry) return undefined;
    const port = match[2] && match[2] !== '443' ? `:${match[2]}` : '';
    return {
      kind: entry.kind,
      origin: `https://${name}${port}`,
      names: MICROSOFT_NAMES,
      serves: (tenant) => entry.tenants.has(tenant),
    };
  }
}

/** The site of the request (set by {@link localSite} or {@link siteByHost}). */
export function siteOf(res: Response): Site {
  const site = (res.locals as { site?: Site }).site;
  if (!site) throw new Error('no site: the emulator app sets one for every request');
  return site;
}

/** The emulator's own listener: every request sees its own origin. */
export function localSite(sites: Sites): RequestHandler {
  return (_req, res, next) => {
    res.locals.site = sites.local;
    next();
  };
}

/**
 * The transparent listener: the site is the `Host` the client addressed; another host gets
 * `421 Misdirected Request` (the connection reached a server that does not serve that name).
 */
export function siteByHost(sites: Sites): RequestHandler {
  return (req, res, next) => {
    const site = sites.byHost(req.headers.host);
    if (!site) {
      throw new PlainError(
        421,
        'misdirected_request',
        'The emulator does not answer for this host in transparent mode.',
      );
    }
    res.locals.site = site;
    next();
  };
}
