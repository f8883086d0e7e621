/**
 * Eta templates, kept as strings so they travel inside the esbuild bundle. `<%= %>` escapes
 * (autoEscape is on); `<%~ %>` (raw) is used only for the layout's already-rendered body.
 */

export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %> · OBO web</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">OBO web</a>
  <nav aria-label="Main">
    <ul>
<% for (const link of it.nav) { %>
      <li><a href="<%= link.href %>"<% if (link.current) { %> aria-current="page"<% } %>><%= link.label %></a></li>
<% } %>
    </ul>
  </nav>
  <div class="account">
<% if (it.user) { %>
    <form method="post" action="/logout">
      <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
      <button type="submit">Sign out<span class="who"> (<%= it.user.name %>)</span></button>
    </form>
<% } else { %>
    <a class="button" href="/login">Sign in</a>
<% } %>
  </div>
</header>
<main id="main">
<%~ it.body %>
</main>
<footer>On-Behalf-Of sample · web client</footer>
</body>
</html>
`;

export const HOME = `<h1>On-Behalf-Of sample</h1>
<% if (it.user) { %>
<p>Signed in as <strong><%= it.user.name %></strong><% if (it.user.username) { %> (<%= it.user.username %>)<% } %>.</p>
<% } else { %>
<p>You are not signed in. This page is open to everyone; sign in to see your ID token and your Azure subscriptions.</p>
<p><a class="button" href="/login">Sign in</a></p>
<% } %>
<ul>
  <li><a href="/profile">ID token details</a> — the claims in your ID token.</li>
  <li><a href="/subscriptions">Azure subscriptions</a> — fetched by the API on your behalf.</li>
<% if (it.graphEnabled) { %>
  <li><a href="/graph">Microsoft Graph</a> — your profile, read by this app from Microsoft Graph with your own token.</li>
<% } %>
<% if (it.journeyEnabled) { %>
  <li><a href="/journey">Token journey</a> — the three tokens of one request, side by side (development only).</li>
<% } %>
</ul>
`;

export const PROFILE = `<h1>ID token details</h1>
<p>These claims come from the ID token the identity provider issued when you signed in.
The token itself is never shown.</p>
<% if (it.editProfileUrl) { %>
<p><a class="button" id="editProfile" href="<%= it.editProfileUrl %>">Edit profile</a></p>
<% } %>
<div class="table-wrap">
<table>
  <caption>Claims in your ID token</caption>
  <thead><tr><th scope="col">Claim</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead>
  <tbody>
<% for (const c of it.claims) { %>
    <tr><th scope="row"><code><%= c.name %></code></th><td><%= c.value %></td><td><%= c.description %></td></tr>
<% } %>
  </tbody>
</table>
</div>
`;

/**
 * The error panel of a page whose call to the API failed (`it.error`: message, optional status
 * and code), with the request's correlation id and an optional retry link.
 */
function errorPanel(heading: string, retryHref?: string): string {
  return `<div class="panel error" role="alert">
  <h2>${heading}</h2>
  <p><%= it.error.message %></p>
  <dl>
<% if (it.error.status) { %>    <dt>Status</dt><dd><%= it.error.status %></dd>
<% } %><% if (it.error.code) { %>    <dt>Error</dt><dd><code><%= it.error.code %></code></dd>
<% } %>    <dt>Correlation ID</dt><dd><code><%= it.correlationId %></code></dd>
  </dl>
${retryHref ? `  <p><a href="${retryHref}">Try again</a></p>\n` : ''}</div>`;
}

export const SUBSCRIPTIONS = `<h1>Azure subscriptions</h1>
<% if (it.error) { %>
${errorPanel('The subscriptions could not be loaded', '/subscriptions')}
<% } else if (it.subscriptions.length === 0) { %>
<div class="panel" role="status"><p>You have no Azure subscriptions in this tenant.</p></div>
<% } else { %>
<div class="table-wrap">
<table>
  <caption><%= it.subscriptions.length %> subscription<%= it.subscriptions.length === 1 ? '' : 's' %>, fetched by the API on your behalf</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Subscription ID</th><th scope="col">State</th><th scope="col">Tenant</th></tr></thead>
  <tbody>
<% for (const s of it.subscriptions) { %>
    <tr><th scope="row"><%= s.displayName %></th><td><code><%= s.subscriptionId %></code></td><td class="nowrap"><%= s.state %></td><td><code><%= s.tenantId %></code></td></tr>
<% } %>
  </tbody>
</table>
</div>
<% } %>
`;

export const GRAPH = `<h1>Microsoft Graph</h1>
<p class="muted">This app reads your profile from Microsoft Graph (<code>GET /v1.0/me</code>) with a
token of your own for Graph's <code>User.Read</code> permission, asked for the first time you open
this page, not at sign-in.</p>
<% if (it.error) { %>
${errorPanel('Your profile could not be loaded', '/graph')}
<% } else { %>
<div class="table-wrap">
<table>
  <caption>Your profile in Microsoft Graph</caption>
  <thead><tr><th scope="col">Property</th><th scope="col">Value</th></tr></thead>
  <tbody>
<% for (const row of it.profile) { %>
    <tr data-property="<%= row.property %>"><th scope="row"><%= row.label %></th><td><%= row.value %></td></tr>
<% } %>
  </tbody>
</table>
</div>
<% } %>
`;

export const JOURNEY = `<h1>Token journey</h1>
<p class="muted">Development only. One request for your subscriptions — browser → web → API → Azure
Resource Manager — and the token used at each hop, decoded. Tokens and signatures are never shown:
only the header's <code>alg</code>, <code>kid</code> and <code>typ</code>, and the payload's claims.</p>
<% if (it.error) { %>
${errorPanel('The journey could not be traced')}
<% } else { %>
<% for (const c of it.challenges) { %>
<section class="panel" data-challenge="<%= c.id %>" aria-labelledby="challenge-<%= c.id %>">
  <h2 id="challenge-<%= c.id %>"><%= c.title %></h2>
  <dl>
<% for (const r of c.rows) { %>    <dt><%= r.label %></dt><dd><% if (r.datetime) { %><time datetime="<%= r.datetime %>"><%= r.value %></time><% } else { %><%= r.value %><% } %></dd>
<% } %>  </dl>
</section>
<% } %>
<h2>What changed between the tokens</h2>
<div class="table-wrap">
<table class="journey-diff">
  <caption>The API received <%= it.subscriptionCount %> subscription<%= it.subscriptionCount === 1 ? '' : 's' %> from ARM with the last token</caption>
  <thead><tr><th scope="col">Claim</th><% for (const h of it.hops) { %><th scope="col"><%= h.title %></th><% } %></tr></thead>
  <tbody>
<% for (const d of it.diff) { %>
    <tr<% if (d.changed) { %> class="changed"<% } %>><th scope="row"><code><%= d.claim %></code><br><span class="muted"><%= d.meaning %></span></th><% for (const v of d.values) { %><td><%= v %></td><% } %></tr>
<% } %>
  </tbody>
</table>
</div>
<div class="journey">
<% for (const h of it.hops) { %>
<section class="hop" data-hop="<%= h.id %>" aria-labelledby="hop-<%= h.id %>">
  <h2 id="hop-<%= h.id %>"><%= h.title %></h2>
  <p class="hop-path"><%= h.hop %></p>
  <p><%= h.explanation %></p>
  <dl>
    <dt>Cache</dt><dd><%= h.cache %></dd>
<% for (const t of h.timings) { %>    <dt><%= t.label %></dt><dd><%= t.ms %> ms</dd>
<% } %>    <dt>Header</dt><dd><code>alg <%= h.header.alg ?? '—' %> · typ <%= h.header.typ ?? '—' %> · kid <%= h.header.kid ?? '—' %></code></dd>
  </dl>
  <table>
    <caption>Claims</caption>
    <tbody>
<% for (const c of h.claims) { %>
      <tr data-claim="<%= c.name %>"><th scope="row"><code><%= c.name %></code></th><td><%= c.value %></td></tr>
<% } %>
    </tbody>
  </table>
</section>
<% } %>
</div>
<% } %>
`;

export const AUTH_ERROR = `<h1>Sign-in failed</h1>
<div class="panel error" role="alert">
  <dl>
    <dt>Error</dt><dd><code><%= it.error %></code></dd>
    <dt>Description</dt><dd><%= it.description %></dd>
    <dt>Correlation ID</dt><dd><code><%= it.correlationId %></code></dd>
  </dl>
</div>
<p><a class="button" href="/login">Try signing in again</a> <a href="/">Home</a></p>
`;

export const UNAUTHORIZED = `<h1>Sign-in required</h1>
<p>You need to sign in to see this page.</p>
<p><a class="button" href="/login?returnTo=<%= encodeURIComponent(it.returnTo) %>">Sign in</a></p>
`;

export const SIGN_OUT = `<h1>Sign out</h1>
<p>Sign out of OBO web<% if (it.user.username) { %> as <strong><%= it.user.username %></strong><% } %>?
This also ends your session with the identity provider.</p>
<form method="post" action="/logout" class="confirm">
  <input type="hidden" name="_csrf" value="<%= it.csrfToken %>">
  <button type="submit" id="confirmSignOut">Sign out</button>
  <a href="/">Cancel</a>
</form>
`;

export const ERROR = `<h1><%= it.heading %></h1>
<div class="panel<%= it.status >= 500 ? ' error' : '' %>" role="alert">
  <p><%= it.message %></p>
  <dl>
    <dt>Status</dt><dd><%= it.status %></dd>
<% if (it.code) { %>    <dt>Error</dt><dd><code><%= it.code %></code></dd>
<% } %>    <dt>Correlation ID</dt><dd><code><%= it.correlationId %></code></dd>
  </dl>
</div>
<p><a href="/">Home</a></p>
`;

export const TEMPLATES = {
  home: HOME,
  profile: PROFILE,
  subscriptions: SUBSCRIPTIONS,
  graph: GRAPH,
  journey: JOURNEY,
  'auth-error': AUTH_ERROR,
  unauthorized: UNAUTHORIZED,
  'sign-out': SIGN_OUT,
  error: ERROR,
} as const;

export type PageName = keyof typeof TEMPLATES;
