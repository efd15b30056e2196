// README.html of a privacy report: what the folder holds, how to open each part without
// Keepsake, and what happens to it later (it is not encrypted; erasing in Keepsake deletes
// the files that held what was erased). A plain page: everything inserted is escaped, no
// script, no remote resources.
import { categoryLabels, type Category } from '../../../common/domain';
import { countOf } from '../../../common/format';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const PARTS: Array<[string, string]> = [
  ['index.json', 'Every item: its id, category, title, dates, every place Keepsake keeps a copy, and which files in this folder hold it. Start here.'],
  ['Contacts/contacts.vcf', 'Contacts as vCard 3.0 — opens in any address book.'],
  ['Calendar/calendar.ics', 'Events as iCalendar — opens in any calendar.'],
  ['Messages/sms.xml, Messages/calls.xml', 'Text messages and call logs in the SMS Backup & Restore format (readable XML; the app restores them onto an Android phone).'],
  ['Email/mail.mbox', 'E-mail as an mbox mailbox, each message as it arrived — opens in Thunderbird and most mail programs.'],
  ['Notes/', 'Notes as Markdown files — plain text, readable anywhere.'],
  ['Photos/', 'Photos, videos and screenshots, byte for byte as stored, in folders by year and month.'],
  ['Originals/', 'The original file of every other item, as it was imported (one folder per item id).'],
  ['Records/', 'Every item in full as JSON, one file per category: title, text, every field, location, dates.'],
  ['Privacy/', 'The consent ledger and every receipt (with whether their tamper-evident chains verified), the data map and the non-personal information.'],
  ['keepsake-recovery.json', 'How the standard-format files were written and checked (the same report a device recovery gives).'],
];

export function readmeHtml(o: { createdAt: number; counts: Record<string, number>; files: number; appVersion: string }): string {
  const counts = Object.entries(o.counts)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, n]) => `<li>${esc(countOf(categoryLabels[c as Category] ?? c, n))}</li>`)
    .join('');
  const parts = PARTS.map(([p, what]) => `<tr><td><code>${esc(p)}</code></td><td>${esc(what)}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Your data from Keepsake</title>
<style>body{font:15px/1.55 system-ui,sans-serif;max-width:780px;margin:40px auto;color:#1f2320;padding:0 16px}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #ddd;padding:6px;vertical-align:top}code{font-size:13px}.warn{background:#fff6e0;padding:10px 14px;border-radius:6px}</style>
</head><body>
<h1>Your data from Keepsake</h1>
<p>Everything Keepsake held about you on ${esc(new Date(o.createdAt).toISOString().slice(0, 10))}, written by Keepsake ${esc(o.appVersion)} and checked file by file after writing (${o.files} files).</p>
<ul>${counts}</ul>
<h2>What is in this folder</h2>
<table><tbody>${parts}</tbody></table>
<h2>Keep it safe</h2>
<p class="warn">These files are <strong>not encrypted</strong>: anyone who can open this folder can read them. Keep it on a drive only you use, or delete it when you no longer need it.</p>
<p>Keepsake remembers that it wrote this folder: it appears on the data map, and when you erase something in Keepsake, the files here that held it are deleted too (a file that holds every item of a kind, like <code>contacts.vcf</code> or <code>index.json</code>, goes whole). Make a new report afterwards for an up-to-date copy.</p>
<p>The export receipt in Keepsake (Privacy → Receipts) records that this report was made, when, where and how many items of each kind it holds — never their content.</p>
</body></html>
`;
}
