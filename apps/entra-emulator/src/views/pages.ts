import type { SeedUser } from '../seed/schema';
import { AUTO_SUBMIT_SCRIPT, esc, page } from './html';

/** A hidden form field. */
export const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;

/** A form's error line, where there is one (`#passwordError`, as on Entra's page). */
export const alert = (message?: string) =>
  message ? `<p class="error" role="alert" id="passwordError">${esc(message)}</p>` : '';

/** How a tenant's sign-in form looks: Entra's and B2C's word and name it differently. */
export interface LoginLook {
  title: string;
  heading: string;
  /** Says which app the user signs in to ("to continue to …"). */
  namesClient: boolean;
  usernameLabel: string;
  /** The submit button's id (`idSIButton9` on Entra's page, `next` on B2C's). */
  buttonId: string;
}

/**
 * The sign-in form of every tenant: fields `login` and `passwd` (as on Entra's and B2C's
 * pages, so `EmulatorBrowser.signIn()` drives both); B2C's links to sign-up and "Forgot your
 * password?" below it.
 */
export function loginPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  look: LoginLook;
  clientName?: string;
  loginHint?: string;
  error?: string;
  signUpUrl?: string;
  forgotUrl?: string;
}): string {
  const { look } = o;
  const client = look.namesClient
    ? `\n<p>to continue to <strong>${esc(o.clientName)}</strong></p>`
    : '';
  return page(
    look.title,
    `<h1>${esc(look.heading)}</h1>${client}
${alert(o.error)}
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
<label for="login">${esc(look.usernameLabel)}</label>
<input type="email" id="login" name="login" autocomplete="username" required value="${esc(o.loginHint ?? '')}">
<label for="passwd">Password</label>
<input type="password" id="passwd" name="passwd" autocomplete="current-password" required>
<button type="submit" id="${esc(look.buttonId)}">Sign in</button>
</form>${o.forgotUrl ? `\n<p><a id="forgotPassword" href="${esc(o.forgotUrl)}">Forgot your password?</a></p>` : ''}${o.signUpUrl ? `\n<p>Don't have an account? <a id="createAccount" href="${esc(o.signUpUrl)}">Sign up now</a></p>` : ''}`,
    o.tenantName,
  );
}

/** Account picker for the accounts signed in on this browser. */
export function pickerPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  accounts: Pick<SeedUser, 'id' | 'displayName' | 'userPrincipalName'>[];
}): string {
  const buttons = o.accounts
    .map(
      (u) =>
        `<button class="account" type="submit" name="account" value="${esc(u.id)}">${esc(u.displayName)}<br><small>${esc(u.userPrincipalName)}</small></button>`,
    )
    .join('\n');
  return page(
    'Pick an account',
    `<h1>Pick an account</h1>
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
${buttons}
<button class="account" type="submit" name="account" value="other">Use another account</button>
</form>`,
    o.tenantName,
  );
}

/** The emulator's stand-in for a second factor: one approval button. */
export function mfaPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  user: SeedUser;
}): string {
  return page(
    'Approve sign in request',
    `<h1>Approve sign in request</h1>
<p>${esc(o.user.userPrincipalName)}: your organisation requires multi-factor authentication.</p>
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
<button type="submit" name="approve" value="yes" id="idSubmit_SAOTCAS_Continue">Approve</button>
</form>`,
    o.tenantName,
  );
}

/** Consent prompt listing the permissions asked for. */
export function consentPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  clientName: string;
  permissions: string[];
  user: SeedUser;
}): string {
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p><strong>${esc(o.clientName)}</strong> wants to (signed in as ${esc(o.user.userPrincipalName)}):</p>
<ul>${o.permissions.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
<button type="submit" name="accept" value="yes" id="idBtn_Accept">Accept</button>
<button type="submit" name="accept" value="no" id="idBtn_Back" class="secondary">Cancel</button>
</form>`,
    o.tenantName,
  );
}

/** Entra's (and B2C's) "we're having trouble signing you in" page; never redirects. */
export function errorPage(o: {
  tenantName: string;
  /** `AADSTS…` or `AADB2C…`. */
  code: string;
  message: string;
  correlationId: string;
  timestamp: string;
}): string {
  return page(
    'Sign in error',
    `<h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="error" id="errorCode">${esc(o.code)}: ${esc(o.message)}</p>
<p><small>Correlation ID: ${esc(o.correlationId)}<br>Timestamp: ${esc(o.timestamp)}</small></p>`,
    o.tenantName,
  );
}

export function signedOutPage(tenantName: string): string {
  return page(
    'Signed out',
    '<h1>You signed out of your account</h1><p>It’s a good idea to close all browser windows.</p>',
    tenantName,
  );
}

/** response_mode=form_post: posts the result to the client; a button covers no-JavaScript. */
export function formPostPage(
  action: string,
  fields: Record<string, string>,
  tenantName: string,
): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => hidden(k, v))
    .join('\n');
  return page(
    'Working...',
    `<form method="post" action="${esc(action)}">
${inputs}
<noscript><p>Script is disabled. Click Continue to continue.</p></noscript>
<button type="submit">Continue</button>
</form>
<script>${AUTO_SUBMIT_SCRIPT}</script>`,
    tenantName,
  );
}
