// Command-line switches a packaged Keepsake refuses to start with (audit item 34). The
// nodeCliInspect fuse already makes --inspect inert; --remote-debugging-port and friends
// are Chromium switches no fuse covers, and they would let any local process drive the
// unlocked vault's window. Deep links are not registered at all, so argv is never parsed
// for a URL (audit item 32).

export const FORBIDDEN_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-publish-uid',
  'js-flags',
  'disable-web-security',
  'no-sandbox',
  'disable-site-isolation-trials',
  'proxy-server',
  'host-rules',
  'host-resolver-rules',
  'ignore-certificate-errors',
] as const;

/** Returns the forbidden switches present in argv ("--x", "--x=y", case-insensitive). */
export function forbiddenSwitchesIn(argv: readonly string[]): string[] {
  const found = new Set<string>();
  for (const arg of argv) {
    const m = /^--?([A-Za-z0-9-]+)(=.*)?$/s.exec(arg);
    const name = m?.[1]?.toLowerCase();
    if (name && (FORBIDDEN_SWITCHES as readonly string[]).includes(name)) found.add(name);
  }
  return [...found];
}
