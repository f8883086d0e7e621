/**
 * The one stylesheet, served from /static/app.css. Kept in TypeScript so the esbuild bundle
 * is self-contained (no asset copying, no CDN).
 */
export const STYLESHEET = `:root {
  color-scheme: light dark;
  --fg: #1b1b1f; --bg: #fafafa; --muted: #5c5f66; --accent: #0b5cad; --line: #d6d8dc;
  --panel: #ffffff; --error-bg: #fdecec; --error-fg: #8a1111;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececf1; --bg: #16171a; --muted: #a6a9b0; --accent: #6fb3ff; --line: #34363c;
    --panel: #1f2024; --error-bg: #3b1818; --error-fg: #ffb4b4; }
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--panel); padding: .5rem; }
header.site { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center;
  padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; }
.account { margin-left: auto; }
.account form { margin: 0; }
form.confirm { display: flex; gap: 1rem; align-items: center; }
button, .button { display: inline-block; font: inherit; padding: .45rem .9rem; border-radius: 6px;
  border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer;
  text-decoration: none; }
@media (prefers-color-scheme: dark) { button, .button { color: #0b0c0e; } }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
.muted { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: var(--panel); }
caption { text-align: left; padding: .5rem 0; color: var(--muted); }
th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
td { overflow-wrap: anywhere; }
td.nowrap { overflow-wrap: normal; white-space: nowrap; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; }
.panel.error { background: var(--error-bg); color: var(--error-fg); border-color: var(--error-fg); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.journey { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem;
  margin-top: 1.5rem; }
.hop { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem;
  min-width: 0; }
.hop h2 { font-size: 1.15rem; margin: 0; }
.hop-path { margin: .1rem 0 .5rem; color: var(--muted); font-weight: 600; }
.hop table { font-size: .85rem; }
main:has(.journey) { max-width: 90rem; }
tr.changed th, tr.changed td { background: color-mix(in srgb, var(--accent) 12%, transparent); }
footer { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: .9rem; }
@media (max-width: 40rem) {
  .account { margin-left: 0; width: 100%; }
  th, td { padding: .4rem; }
}
`;
