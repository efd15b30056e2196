// Browse screens end to end (web host, Debian Chromium): real fixtures imported with the
// CLI (vCard, SMS Backup & Restore, iCalendar, email, an EXIF photo) plus a deterministic
// seed, then every library screen walked with a keyboard-capable person's steps:
// real data asserted on screen, axe run on each, screenshots saved (test-results/screens).
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { KNOWN } from '../unit/library/seed';
import { startServe } from './fixtures';
import { openSection, snap } from './pages';

const PASS = 'browse e2e passphrase orbit lantern';
const FIX = join(process.env.KEEPSAKE_FIXTURES ?? join(process.cwd(), '..', 'shared', 'fixtures'));

async function axe(page: Page, name: string): Promise<void> {
  // The email frame is sandboxed without scripts, so axe cannot (and must not) run inside
  // it: with a frame on screen axe runs in the top document only (legacy mode, iframes
  // off); the frame element itself is still checked (it has a title).
  const framed = (await page.locator('iframe').count()) > 0;
  const r = await (framed ? new AxeBuilder({ page }).setLegacyMode(true).options({ iframes: false }) : new AxeBuilder({ page })).analyze();
  const found = r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
  expect(found, `axe on ${name}`).toEqual([]);
}

/** Clicks an attachment link and returns the downloaded file's text. */
async function downloaded(page: Page, name: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name, exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(name);
  return readFileSync((await file.path())!, 'utf8');
}

test('browse every library screen on an imported vault', async ({ page }) => {
  test.setTimeout(240_000);
  const home = mkdtempSync(join(tmpdir(), 'keepsake-browse-'));
  const env = { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_PASSPHRASE: PASS, KEEPSAKE_NO_BROWSER: '1' };
  const cli = (...args: string[]) => execFileSync(process.execPath, ['bin/keepsake.mjs', ...args], { env, stdio: 'pipe', timeout: 120_000 });
  cli('init');
  cli(
    'import',
    join(FIX, 'contacts/ezvcard__John_Doe_IPHONE.vcf'),
    join(FIX, 'messages/sbr2__sms_and_mms.xml'),
    join(FIX, 'calendar/ical4j__Standup.ics'),
    join(FIX, 'email/mail__attachment_pdf.eml'),
    join(FIX, 'photos/exifr__IMG_20180725_163423-tiny.jpg'),
  );
  execFileSync(process.execPath, ['--import', 'tsx', 'test/e2e/browse-seed.ts', home], { env, stdio: 'pipe', timeout: 60_000 });
  const { served, child } = await startServe(home);
  try {
    await page.goto(served.url);
    await page.getByLabel('Passphrase').fill(PASS);
    await page.getByRole('button', { name: 'Unlock' }).click();

    // Dashboard
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByText('Everything is on this computer only')).toBeVisible();
    await expect(page.getByRole('img', { name: /Items by category: .*Photos/ })).toBeVisible();
    await axe(page, 'dashboard');
    await snap(page, 'browse-dashboard');

    // Photos: timeline, viewer with EXIF place and camera, screenshots, places map
    await openSection(page, 'Photos');
    const first = page.getByRole('button', { name: /^Photo IMG_20240601\.jpg/ });
    await expect(first).toBeVisible();
    await expect(page.locator('.photo-cell img').first()).toHaveJSProperty('complete', true);
    await axe(page, 'photos');
    await snap(page, 'browse-photos');
    await first.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('photo-place')).toHaveText('48.8584, 2.2945');
    await expect(page.getByRole('dialog').getByText('Google Pixel 3')).toBeVisible();
    await expect(page.getByRole('dialog').getByText('This computer')).toBeVisible();
    await axe(page, 'photo viewer');
    await snap(page, 'browse-photo-viewer');
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Screenshots' }).click();
    await expect(page.getByRole('button', { name: /^Screenshot IMG_20240605\.jpg/ })).toBeVisible();
    await page.getByRole('tab', { name: 'Places' }).click();
    await expect(page.getByRole('button', { name: /2 photos near 48\.8/ })).toBeVisible();
    await axe(page, 'places');
    await snap(page, 'browse-places');

    // Messages: a known thread with its MMS picture, and the call log
    await openSection(page, 'Messages');
    await page.getByRole('button', { name: /Grace Hopper/ }).first().click();
    await expect(page.getByText('Are we still on for the harbour walk on Saturday?')).toBeVisible();
    await expect(page.getByRole('img', { name: 'Attachment view.jpg' })).toBeVisible();
    // The MMS's second picture streams by its own ordinal (<id>.attachment.1), not the first again
    const second = page.getByRole('img', { name: 'Attachment harbour.jpg' });
    await expect(second).toHaveAttribute('src', /\/media\/[0-9a-f]{32}\.attachment\.1$/);
    await expect.poll(() => second.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
    await axe(page, 'messages');
    await snap(page, 'browse-messages');
    await page.getByRole('tab', { name: 'Call log' }).click();
    await expect(page.getByRole('cell', { name: /missed/ }).first()).toBeVisible();
    await axe(page, 'calls');

    // Contacts: the imported John Doe card with his number; edit Ada as a new version
    await openSection(page, 'Contacts');
    await page.getByRole('button', { name: /John Richter James Doe/ }).click();
    await expect(page.getByRole('link', { name: '905-555-1234' })).toBeVisible();
    await axe(page, 'contacts');
    await snap(page, 'browse-contacts');
    await page.getByRole('button', { name: 'Ada Lovelace' }).click();
    await expect(page.getByRole('link', { name: '+44 20 7946 0018' })).toBeVisible();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Name').fill('Ada King');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await expect(page.getByRole('heading', { name: 'Ada King' })).toBeVisible();
    await expect(page.locator('.facts dd').last()).toHaveText('2');

    // Notes
    await openSection(page, 'Notes');
    await page.getByRole('button', { name: /Sourdough starter/ }).click();
    await expect(page.locator('.note-body')).toContainText('Feed 1:1:1 flour');
    await axe(page, 'notes');
    // A note's attachments: the picture shows, the second file downloads with its own bytes
    await page.getByRole('button', { name: /Books to read/ }).click();
    await expect.poll(() => page.getByRole('img', { name: 'Attachment shelf.jpg' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
    expect(await downloaded(page, 'wishlist.txt')).toBe(KNOWN.wishlistText);
    await axe(page, 'note with attachments');
    await snap(page, 'browse-notes');
    // Notes share the contacts' edit form: a correction is a new version
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('form', { name: 'Edit Books to read' }).getByLabel('Title').fill('Books to read this winter');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await expect(page.getByRole('heading', { name: 'Books to read this winter' })).toBeVisible();
    await expect(page.getByText(/· version 2$/)).toBeVisible();
    await expect(page.getByRole('link', { name: 'wishlist.txt', exact: true })).toBeVisible(); // the new version keeps its files

    // Calendar: June 2024, recurring lesson expanded in month and agenda
    await openSection(page, 'Calendar');
    await page.getByLabel('Month', { exact: true }).fill('2024-06');
    await expect(page.getByRole('button', { name: /Piano lesson/ })).toHaveCount(4);
    await axe(page, 'calendar month');
    await snap(page, 'browse-calendar');
    await page.getByRole('tab', { name: 'Agenda' }).click();
    await expect(page.getByRole('button', { name: /Dentist/ })).toBeVisible();
    await axe(page, 'calendar agenda');

    // Email: sanitised HTML in a sandboxed frame, attachment downloadable
    await openSection(page, 'Email');
    await page.getByRole('button', { name: /Flight confirmation/ }).click();
    const frame = page.locator('iframe.mail-frame');
    await expect(frame).toHaveAttribute('sandbox', '');
    const doc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(doc).toContain('K7Q2PX');
    expect(doc).not.toContain('<script');
    expect(doc).toContain("default-src 'none'");
    await expect(page.getByRole('link', { name: 'boarding-pass.pdf' })).toHaveAttribute('href', /\/media\/[0-9a-f]{32}\.attachment$/);
    // The second attachment opens too: its own media id, its own bytes
    await expect(page.getByRole('link', { name: 'itinerary.txt' })).toHaveAttribute('href', /\/media\/[0-9a-f]{32}\.attachment\.1$/);
    expect(await downloaded(page, 'itinerary.txt')).toBe(KNOWN.itineraryText);
    expect((await downloaded(page, 'boarding-pass.pdf')).startsWith('%PDF-1.4')).toBe(true);
    await axe(page, 'email');
    await snap(page, 'browse-email');

    // Data map: click through a cell to its items, one item's Stored in
    await openSection(page, 'Data map');
    await page.getByRole('button', { name: /Contacts in This computer/ }).click();
    await expect(page.getByRole('heading', { name: 'Contacts in This computer' })).toBeVisible();
    await axe(page, 'data map');
    await snap(page, 'browse-datamap');

    // Search: keyboard only
    await page.keyboard.press('/');
    await page.keyboard.type('harbour');
    await expect(page.getByRole('option', { name: /Grace Hopper/ })).toBeVisible();
    await axe(page, 'search');
    await snap(page, 'browse-search');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog').getByRole('heading', { name: 'Stored in' })).toBeVisible();
    await page.keyboard.press('Escape');

    // Dark mode follows the OS: the same screens, still axe clean (contrast included)
    await page.emulateMedia({ colorScheme: 'dark' });
    await openSection(page, 'Messages');
    await page.getByRole('button', { name: /Grace Hopper/ }).first().click();
    await axe(page, 'messages, dark');
    await snap(page, 'browse-messages-dark');
    await openSection(page, 'Dashboard');
    await axe(page, 'dashboard, dark');
    await snap(page, 'browse-dashboard-dark');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  }
});
