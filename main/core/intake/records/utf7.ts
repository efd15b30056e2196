// UTF-7 (RFC 2152) to text. mailparser refuses to decode UTF-7 on purpose (it can smuggle
// "<script>" past HTML filters as "+ADw-script+AD4-"), but Outlook 2000 wrote plain-text
// mail and subjects in it. We decode only plain text (subjects, names, text/plain bodies),
// never HTML, so that concern does not apply; HTML in UTF-7 stays as written.
export function decodeUtf7(s: string): string {
  return s.replace(/\+([A-Za-z0-9+/]*)-?/g, (whole, b64: string) => {
    if (b64 === '') return whole === '+-' ? '+' : whole;
    const bytes = Buffer.from(b64, 'base64');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return out;
  });
}
