// RELIABILITY row 44 / audit item 15: only https: links to allowlisted hosts, and mailto:,
// ever reach shell.openExternal. Property tests throw hostile variants at the allowlist.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_HOSTS, externalLinkTarget } from '../../main/electron/external-links';

const ALLOW = ['good.example.com'];

describe('external link allowlist (row 44)', () => {
  it('lets allowlisted https links and mailto through, normalised', () => {
    expect(externalLinkTarget('https://good.example.com/docs?a=1#x', ALLOW)).toBe('https://good.example.com/docs?a=1#x');
    expect(externalLinkTarget('https://good.example.com', ALLOW)).toBe('https://good.example.com/');
    expect(externalLinkTarget('mailto:help@example.org', ALLOW)).toBe('mailto:help@example.org');
    expect(externalLinkTarget('https://github.com/')).toBe('https://github.com/');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    '\tjavascript:alert(1)',
    'java\nscript:alert(1)',
    'file:///etc/passwd',
    'file://good.example.com/share',
    'smb://good.example.com/share',
    'ms-msdt:/id PCWDiagnostic /skip force',
    'search-ms:query=x',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://good.example.com/',
    'HTTPS://good.example.com/',
    'hTtPs://good.example.com/',
    ' https://good.example.com/',
    'https://good.example.com/ ',
    'https://good.example.com.evil/',
    'https://good.example.com.evil.com/',
    'https://evilgood.example.com/',
    'https://sub.good.example.com/',
    'https://good@evil/',
    'https://good.example.com@evil.com/',
    'https://user:pass@good.example.com/',
    'https://good.example.com:8443/',
    'https://evil.com/#https://good.example.com/',
    'https://evil.com/?u=https://good.example.com/',
    '//good.example.com/',
    'good.example.com',
    'app://app/index.html',
    'vault://media/x',
    'mailto:',
    'mailto:not-an-address',
    'mailto:a@b?body=x\u0000',
    '',
  ])('refuses %j', (raw) => {
    expect(externalLinkTarget(raw, ALLOW)).toBeNull();
  });

  it('refuses non-strings', () => {
    for (const v of [null, undefined, 42, {}, ['https://good.example.com/'], new URL('https://good.example.com/')]) expect(externalLinkTarget(v, ALLOW)).toBeNull();
  });

  it('never lets anything but https to an exact allowlisted host, or mailto, through (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), fc.constantFrom(...EXTERNAL_HOSTS).map((h) => `https://${h}/`)), (raw) => {
        const out = externalLinkTarget(raw);
        if (out === null) return true;
        const url = new URL(out);
        if (url.protocol === 'mailto:') return true;
        return url.protocol === 'https:' && EXTERNAL_HOSTS.includes(url.hostname) && url.username === '' && url.password === '' && url.port === '';
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every scheme other than https and mailto, in any case and with padding (property)', () => {
    const scheme = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,12}$/).filter((s) => !['https', 'mailto'].includes(s.toLowerCase()));
    const pad = fc.constantFrom('', ' ', '\t', '\n', '\u0000', '\u00a0');
    fc.assert(
      fc.property(scheme, pad, pad, (s, before, after) => externalLinkTarget(`${before}${s}:${after}//good.example.com/`, ALLOW) === null),
      { numRuns: 1000 },
    );
  });

  it('refuses look-alike hosts built around an allowlisted one (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    fc.assert(
      fc.property(label, fc.constantFrom('prefix', 'suffix', 'userinfo', 'sub'), (l, where) => {
        const raw =
          where === 'prefix' ? `https://${l}good.example.com/` : where === 'suffix' ? `https://good.example.com.${l}/` : where === 'userinfo' ? `https://good.example.com@${l}.evil/` : `https://${l}.good.example.com/`;
        return externalLinkTarget(raw, ALLOW) === null;
      }),
      { numRuns: 500 },
    );
  });
});
