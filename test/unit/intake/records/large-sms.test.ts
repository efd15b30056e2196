// A generated SMS Backup & Restore XML of at least 200 MB (KEEPSAKE_LARGE_SMS_MB for more,
// e.g. 2048 for the 2 GB case of RELIABILITY row 25) streamed from a generator — never
// written to disk — through the parser, with resident memory growth bounded: the parser
// must hold one chunk and one message at a time, not the file.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importSmsXml } from '../../../../main/core/intake/records/sms-xml';
import { collectingContext } from '../../../../main/core/intake/types';

const MB = 1024 * 1024;
const TARGET = Math.max(200, Number(process.env.KEEPSAKE_LARGE_SMS_MB ?? 200)) * MB;
/** RSS may grow by this much at most, whatever the file size (parser buffers + V8 heap slack). */
const RSS_BOUND = 256 * MB;

function smsXml(target: number, counter: { n: number; bytes: number }): Readable {
  function* gen(): Generator<Buffer> {
    yield Buffer.from(`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses backup_set="gen" type="full">\n`);
    while (counter.bytes < target) {
      let s = '';
      for (let i = 0; i < 2000; i++, counter.n++) {
        const n = counter.n;
        s += `  <sms protocol="0" address="+1555${String(n % 10_000_000).padStart(7, '0')}" date="${1_600_000_000_000 + n * 1000}" type="${1 + (n % 2)}" subject="null" body="Message ${n}: text &amp; emoji &#55357;&#56833; to index" read="1" status="-1" locked="0" date_sent="0" readable_date="x" contact_name="Person ${n % 500}" />\n`;
      }
      const b = Buffer.from(s);
      counter.bytes += b.length;
      yield b;
    }
    yield Buffer.from('</smses>\n');
  }
  return Readable.from(gen());
}

describe('large SMS XML', () => {
  it(`streams ${TARGET / MB} MB with bounded memory and every message read`, async () => {
    const counter = { n: 0, bytes: 0 };
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    let count = 0;
    let last = '';
    const input = { path: 'generated.xml', size: TARGET, open: () => smsXml(TARGET, counter) };
    for await (const item of importSmsXml(input, collectingContext())) {
      count++;
      if ((count & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
      last = item.text ?? '';
    }
    expect(counter.bytes).toBeGreaterThanOrEqual(TARGET);
    expect(count).toBe(counter.n);
    expect(last).toContain(`Message ${counter.n - 1}: text & emoji 😁 to index`);
    expect(peak - rss0).toBeLessThan(RSS_BOUND);
  }, 180_000);
});
