/**
 * `/etc/hosts` with `names` mapped to the loopback addresses (IPv4 and IPv6), after the lines
 * it already has: what the private namespace's processes resolve those names with.
 */
export function hostsFileWith(original: string, names: readonly string[]): string {
  for (const name of names) {
    if (!/^[a-z0-9.-]+$/i.test(name)) throw new Error(`not a host name: ${JSON.stringify(name)}`);
  }
  const body = original.endsWith('\n') || original === '' ? original : `${original}\n`;
  const lines = names.flatMap((name) => [`127.0.0.1\t${name}`, `::1\t${name}`]);
  return `${body}# Microsoft's names, answered by the Entra ID emulator (npm run with-emulator)\n${lines.join('\n')}\n`;
}
