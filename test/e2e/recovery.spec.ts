// The recovery wizard in the browser, end to end: the honest empty state, an import, then
// source → confirm it's you → target (an export bundle folder) → categories → the location
// step (approximate, 1 hour) → preview (which location data would travel) → progress →
// the verification report — with screenshots of each step, all by keyboard-reachable controls.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { createVault, openSection, PASSPHRASE, snap } from './pages';

const FIXTURES = new URL('../../../shared/fixtures/', import.meta.url).pathname;

test('walk the recovery wizard to a verified export bundle with approximate location', async ({ app, served }) => {
  await createVault(app);
  await openSection(app, 'Recovery');
  await expect(app.getByTestId('recovery-empty')).toContainText('Nothing to restore yet');
  await snap(app, '60-recovery-empty');

  await app.getByTestId('recovery-empty').getByRole('button', { name: 'Import…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Import' });
  await dialog.getByTestId('import-files').setInputFiles([`${FIXTURES}contacts/ezvcard__John_Doe_IPHONE.vcf`, `${FIXTURES}messages/sbr2__sms_small.xml`, `${FIXTURES}photos/exifr__IMG_20180725_163423-tiny.jpg`]);
  await dialog.getByRole('button', { name: 'Import 3 files' }).click();
  await expect(dialog.getByTestId('import-report')).toContainText('Import finished', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Done' }).click();

  await openSection(app, 'Dashboard');
  await openSection(app, 'Recovery');
  const wizard = app.getByTestId('recovery-wizard');
  await expect(wizard.getByRole('heading', { name: 'What to restore' })).toBeVisible();
  await expect(wizard.getByRole('combobox', { name: 'Restore from' })).toContainText('Everything in the vault');
  await snap(app, '61-recovery-source');
  await wizard.getByRole('button', { name: 'Next' }).click();

  await expect(wizard.getByRole('heading', { name: 'Confirm it’s you' })).toBeVisible();
  await wizard.getByLabel('Passphrase').fill(PASSPHRASE);
  await wizard.getByLabel('Passphrase').press('Enter');

  await expect(wizard.getByRole('heading', { name: 'Where to restore to' })).toBeVisible();
  const bundle = join(served.home, 'bundle');
  await wizard.getByLabel('Bundle folder').fill(bundle);
  await snap(app, '62-recovery-target');
  await wizard.getByRole('button', { name: 'Next' }).click();

  await expect(wizard.getByRole('heading', { name: 'Which kinds of data' })).toBeVisible();
  await wizard.getByRole('button', { name: 'Next' }).click();

  await expect(wizard.getByRole('heading', { name: 'Location sharing' })).toBeVisible();
  await wizard.getByLabel(/Share approximate location/).check();
  await wizard.getByRole('combobox', { name: 'Location sharing ends after' }).selectOption('60');
  await snap(app, '63-recovery-location');
  await wizard.getByRole('button', { name: 'Next' }).click();

  const preview = wizard.getByTestId('recovery-preview');
  await expect(preview).toContainText('rounded to about 1 km');
  await snap(app, '64-recovery-preview');
  await wizard.getByRole('button', { name: 'Restore' }).click();

  const report = wizard.getByTestId('recovery-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report).toContainText('Restored and verified');
  await expect(app.getByTestId('recovery-report-location')).toContainText('1 rounded to about 1 km');
  await expect(app.getByTestId('recovery-report-location')).toContainText('was erased (receipt');
  await snap(app, '65-recovery-report');
  expect(existsSync(join(bundle, 'Contacts', 'contacts.vcf'))).toBe(true);
  expect(existsSync(join(bundle, 'Photos', '2018', '07', 'exifr__IMG_20180725_163423-tiny.jpg'))).toBe(true);
});
