import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { LAYOUT, TEMPLATES, type PageName } from './templates';

const NAV: readonly { href: string; label: string; page: PageName }[] = [
  { href: '/', label: 'Home', page: 'home' },
  { href: '/profile', label: 'ID token', page: 'profile' },
  { href: '/subscriptions', label: 'Subscriptions', page: 'subscriptions' },
];
const GRAPH_NAV = { href: '/graph', label: 'Microsoft Graph', page: 'graph' } as const;
const JOURNEY_NAV = { href: '/journey', label: 'Token journey', page: 'journey' } as const;

export interface ViewOptions {
  /** Link the development-only `/journey` page. Default false. */
  journey?: boolean;
  /** Link the Microsoft Graph page (`/graph`; not offered with Azure AD B2C). Default false. */
  graph?: boolean;
}

/** Renders pages with Eta (auto-escaping) into the shared layout. */
export class Views {
  private readonly eta = new Eta({ autoEscape: true, cache: true, autoTrim: [false, 'nl'] });
  private readonly nav: readonly { href: string; label: string; page: PageName }[];
  private readonly journey: boolean;
  private readonly graph: boolean;

  constructor(options: ViewOptions = {}) {
    this.journey = options.journey ?? false;
    this.graph = options.graph ?? false;
    this.nav = [...NAV, ...(this.graph ? [GRAPH_NAV] : []), ...(this.journey ? [JOURNEY_NAV] : [])];
    this.eta.loadTemplate('@layout', LAYOUT);
    for (const [name, template] of Object.entries(TEMPLATES)) {
      this.eta.loadTemplate(`@${name}`, template);
    }
  }

  /** Renders `page` with `data` inside the layout, as HTML for `req`'s user. */
  html(req: Request, page: PageName, title: string, data: object = {}): string {
    const user = req.session?.user;
    const csrfToken = req.session?.csrfToken ?? '';
    const body = this.eta.render(`@${page}`, {
      ...data,
      user,
      csrfToken,
      journeyEnabled: this.journey,
      graphEnabled: this.graph,
      correlationId: (req.res?.locals.correlationId as string | undefined) ?? '',
    });
    return this.eta.render('@layout', {
      title,
      body,
      user,
      csrfToken,
      nav: this.nav.map((l) => ({ href: l.href, label: l.label, current: l.page === page })),
    });
  }

  /** Sends `page` with `status`; pages are never cached (they show per-user data). */
  send(
    req: Request,
    res: Response,
    status: number,
    page: PageName,
    title: string,
    data: object = {},
  ): void {
    res
      .status(status)
      .set('cache-control', 'no-store')
      .type('html')
      .send(this.html(req, page, title, data));
  }
}
