// The Content-Security-Policy both hosts send with the UI. No inline or remote script, no
// eval, no plugins, no framing; media only from our own origin (web host: /media) or the
// vault: scheme (desktop). The email viewer's sandboxed frame gets its own stricter policy.
export function appCsp(extraMediaSources: string[] = []): string {
  const media = ["'self'", 'data:', 'blob:', ...extraMediaSources].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${media}`,
    `media-src ${media}`,
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy for an e-mail body shown in a sandboxed frame: no script, no remote loads. */
export const EMAIL_FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";
