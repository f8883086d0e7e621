import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The only script the emulator serves: auto-submit of the form_post page. */
export const AUTO_SUBMIT_SCRIPT = 'document.forms[0].submit();';
const AUTO_SUBMIT_HASH = createHash('sha256').update(AUTO_SUBMIT_SCRIPT).digest('base64');

/**
 * No external assets, works without JavaScript. `form-action` allows http(s) because the
 * sign-in forms end in a redirect to the client's redirect URI.
 */
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  `script-src 'sha256-${AUTO_SUBMIT_HASH}'`,
  "form-action 'self' http: https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const STYLE = `
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:1.5rem;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px;font-weight:600}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:1rem}
button{background:#0067b8;color:#fff;border:0;padding:8px 24px;font-size:1rem;margin-top:20px;cursor:pointer}
button.secondary{background:#ccc;color:#000}
.error{color:#e81123;margin:8px 0}
.account{display:block;width:100%;text-align:left;background:#fff;color:#1b1b1b;border:1px solid #ccc;margin:6px 0;padding:10px}
.banner{font-size:.8rem;color:#666;margin-top:24px}
small{color:#666}
`;

export function page(title: string, body: string, tenantName: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>
<div><strong>Microsoft Entra ID emulator</strong> · ${esc(tenantName)}</div>
${body}
<p class="banner">Local development emulator. Never enter real credentials here.</p>
</main></body></html>`;
}

export function sendHtml(res: Response, html: string, status = 200): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
    })
    .send(html);
}
