import { esc, page } from '../views/html';

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;
const error = (message?: string) =>
  message ? `<p class="error" role="alert" id="passwordError">${esc(message)}</p>` : '';

/**
 * The sign-up/sign-in page. The fields are `login` and `passwd` like the workforce page, so
 * `EmulatorBrowser.signIn()` drives it; links go to sign-up and (B2C) "Forgot your password?".
 */
export function customerLoginPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  signUpUrl?: string;
  forgotUrl?: string;
  error?: string;
}): string {
  return page(
    'Sign in',
    `<h1>Sign in with your email address</h1>
${error(o.error)}
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
<label for="login">Email Address</label>
<input type="email" id="login" name="login" autocomplete="username" required>
<label for="passwd">Password</label>
<input type="password" id="passwd" name="passwd" autocomplete="current-password" required>
<button type="submit" id="next">Sign in</button>
</form>
${o.forgotUrl ? `<p><a id="forgotPassword" href="${esc(o.forgotUrl)}">Forgot your password?</a></p>` : ''}
${o.signUpUrl ? `<p>Don't have an account? <a id="createAccount" href="${esc(o.signUpUrl)}">Sign up now</a></p>` : ''}`,
    o.tenantName,
  );
}

/** Sign-up: email, new password (twice), display name. */
export function signUpPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  error?: string;
}): string {
  return page(
    'Sign up',
    `<h1>Create your account</h1>
${error(o.error)}
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
<label for="email">Email Address</label>
<input type="email" id="email" name="email" autocomplete="username" required>
<label for="newPassword">New Password</label>
<input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required>
<label for="reenterPassword">Confirm New Password</label>
<input type="password" id="reenterPassword" name="reenterPassword" autocomplete="new-password" required>
<label for="displayName">Display Name</label>
<input type="text" id="displayName" name="displayName" required>
<button type="submit" id="continue">Create</button>
</form>`,
    o.tenantName,
  );
}

/** Password reset, step 1 (which account) or step 2 (the new password). */
export function resetPage(o: {
  tenantName: string;
  action: string;
  tx: string;
  step: 'email' | 'password';
  error?: string;
}): string {
  const fields =
    o.step === 'email'
      ? `<label for="email">Email Address</label>
<input type="email" id="email" name="email" autocomplete="username" required>`
      : `<label for="newPassword">New Password</label>
<input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required>
<label for="reenterPassword">Confirm New Password</label>
<input type="password" id="reenterPassword" name="reenterPassword" autocomplete="new-password" required>`;
  return page(
    'Reset your password',
    `<h1>${o.step === 'email' ? 'Reset your password' : 'Choose a new password'}</h1>
<p><small>The emulator skips the email verification code.</small></p>
${error(o.error)}
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
${fields}
<button type="submit" id="continue">Continue</button>
</form>`,
    o.tenantName,
  );
}

/** Profile editing: the display name. */
export function editProfilePage(o: {
  tenantName: string;
  action: string;
  tx: string;
  displayName: string;
}): string {
  return page(
    'Edit profile',
    `<h1>Edit your profile</h1>
<form method="post" action="${esc(o.action)}">
${hidden('tx', o.tx)}
<label for="displayName">Display Name</label>
<input type="text" id="displayName" name="displayName" required value="${esc(o.displayName)}">
<button type="submit" id="continue">Continue</button>
</form>`,
    o.tenantName,
  );
}
