import { esc, page } from '../../views/html';
import { alert, hidden } from '../../views/pages';

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
${alert(o.error)}
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
${alert(o.error)}
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
