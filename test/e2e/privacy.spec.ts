// Import through the browser (upload), then the privacy center: erase a category with its
// preview, the passphrase confirmation and the receipt; holds; the consent ledger.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { createVault, openSection, PASSPHRASE, snap } from './pages';

const FIXTURES = new URL('../../../shared/fixtures/', import.meta.url).pathname;

test('upload an import, erase a category with a receipt, hold a category', async ({ app }) => {
  await createVault(app);

  await app.getByRole('button', { name: 'Import…' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Import' });
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('import-files').setInputFiles([`${FIXTURES}contacts/ezvcard__John_Doe_IPHONE.vcf`, `${FIXTURES}contacts/ezvcard__gmail-list.vcf`, `${FIXTURES}messages/sbr2__sms_small.xml`]);
  await expect(dialog.getByText('3 files, 51 KB')).toBeVisible();
  await snap(app, '30-import-chosen');
  await dialog.getByRole('button', { name: 'Import 3 files' }).click();
  const report = dialog.getByTestId('import-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report).toContainText('Import finished');
  await expect(report).toContainText('12 messages');
  await snap(app, '31-import-report');
  await dialog.getByRole('button', { name: 'Done' }).click();

  await openSection(app, 'Privacy');
  await expect(app.getByText('Nothing has been erased yet')).toBeVisible();
  await app.getByRole('combobox', { name: 'Category', exact: true }).selectOption('contact');
  await app.getByRole('button', { name: 'Preview erase…' }).click();
  const erase = app.getByRole('dialog', { name: /Erase all contacts/ });
  await expect(erase.getByTestId('erase-locations')).toContainText('This computer');
  await snap(app, '32-erase-preview');
  await erase.getByRole('button', { name: 'Erase everywhere' }).click();
  const confirm = app.getByRole('dialog', { name: "Confirm it's you" });
  await confirm.getByLabel('Passphrase').fill(PASSPHRASE);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(erase.getByTestId('receipt')).toContainText('Erased everywhere Keepsake keeps it', { timeout: 60_000 });
  await snap(app, '33-erase-receipt');
  await erase.getByRole('button', { name: 'Done' }).click();
  await expect(app.getByTestId('receipts')).toContainText('all contacts');

  await app.getByRole('button', { name: 'Verify chain' }).click();
  await expect(app.getByRole('status').filter({ hasText: 'intact' })).toBeVisible();

  await app.getByRole('combobox', { name: 'Hold a category' }).selectOption('message');
  await app.getByLabel('Reason').fill('Tax records 2026');
  await app.getByRole('button', { name: 'Add hold' }).click();
  await expect(app.getByTestId('holds')).toContainText('Tax records 2026');
  await app.getByRole('combobox', { name: 'Category', exact: true }).selectOption('message');
  await app.getByRole('button', { name: 'Preview erase…' }).click();
  await expect(app.getByRole('dialog', { name: /Erase all messages/ })).toContainText('under legal hold');
  await snap(app, '34-erase-held');
});

test('erase a photo from its Stored in panel: preview, confirm with the passphrase, receipt', async ({ app }) => {
  await createVault(app);
  await openSection(app, 'Data map');
  await expect(app.getByText('No copies to map yet')).toBeVisible();
  await app.getByRole('button', { name: 'Import…' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Import' });
  await dialog.getByTestId('import-files').setInputFiles([`${FIXTURES}photos/exifr__IMG_20180725_163423-tiny.jpg`]);
  await dialog.getByRole('button', { name: 'Import 1 file' }).click();
  await expect(dialog.getByTestId('import-report')).toContainText('Import finished', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Done' }).click();
  // the data map on screen follows the import by itself (library.changed), no navigation
  await expect(app.getByRole('button', { name: /^Photos in .*: 1 items$/ }).first()).toBeVisible();

  await openSection(app, 'Photos');
  await app.getByRole('button', { name: /^Photo / }).first().click();
  const viewer = app.getByRole('dialog').first();
  await expect(viewer.getByRole('heading', { name: 'Stored in' })).toBeVisible();
  await viewer.getByRole('button', { name: 'Erase everywhere…' }).click();
  const erase = app.getByRole('dialog', { name: 'Erase this item' });
  await expect(erase.getByTestId('erase-locations')).toContainText('This computer');
  await erase.getByRole('button', { name: 'Erase everywhere' }).click();
  const confirm = app.getByRole('dialog', { name: "Confirm it's you" });
  await confirm.getByLabel('Passphrase').fill(PASSPHRASE);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(erase.getByTestId('receipt')).toContainText('Erased everywhere', { timeout: 60_000 });
  await snap(app, '35-erase-photo-receipt');
  await erase.getByRole('button', { name: 'Done' }).click();
  // the viewer closes with the receipt, and only then does the grid drop the erased photo
  await expect(app.getByText('No photos or videos yet')).toBeVisible();
  await openSection(app, 'Privacy');
  await expect(app.getByTestId('receipts')).toContainText('1 chosen item');
});

test('download my data: pick a folder, confirm it is you, follow the progress, read the export receipt', async ({ app }) => {
  const out = mkdtempSync(join(tmpdir(), 'keepsake-e2e-report-'));
  try {
    await createVault(app);
    await app.getByRole('button', { name: 'Import…' }).first().click();
    const dialog = app.getByRole('dialog', { name: 'Import' });
    await dialog.getByTestId('import-files').setInputFiles([`${FIXTURES}contacts/ezvcard__John_Doe_IPHONE.vcf`, `${FIXTURES}messages/sbr2__sms_small.xml`]);
    await dialog.getByRole('button', { name: 'Import 2 files' }).click();
    await expect(dialog.getByTestId('import-report')).toContainText('Import finished', { timeout: 60_000 });
    await dialog.getByRole('button', { name: 'Done' }).click();

    await openSection(app, 'Privacy');
    const panel = app.getByTestId('privacy-report');
    await panel.getByLabel('Folder for your data').fill(out);
    await panel.getByRole('button', { name: 'Download my data' }).click();
    const confirm = app.getByRole('dialog', { name: "Confirm it's you" });
    await confirm.getByLabel('Passphrase').fill(PASSPHRASE);
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const receipt = panel.getByTestId('receipt');
    await expect(receipt).toContainText('Exported: a copy of everything Keepsake holds about you', { timeout: 60_000 });
    await expect(receipt).toContainText('Exported and checked');
    await expect(panel).toContainText('Wrote 13 items');
    await receipt.scrollIntoViewIfNeeded();
    await snap(app, '36-privacy-report-receipt');
    await expect(app.getByTestId('receipts')).toContainText('Everything Keepsake holds about you');

    // The folder on disk: a dated report with its index and standard files.
    const [name] = readdirSync(out);
    expect(name).toMatch(/^Keepsake data \d{4}-\d{2}-\d{2}$/);
    const index = JSON.parse(readFileSync(join(out, name!, 'index.json'), 'utf8')) as { items: unknown[] };
    expect(index.items).toHaveLength(13);
    expect(existsSync(join(out, name!, 'Contacts', 'contacts.vcf'))).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
