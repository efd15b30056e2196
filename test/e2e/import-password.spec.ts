// Encrypted Android backup through the browser: the upload is refused for want of its
// password, the report shows a password field, a wrong password is refused again, and
// the right one (`test`, the fixture's) imports it. Then a watch folder added by typed
// path imports a file dropped into it. Screenshots under test-results/screens/.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { createVault, snap } from './pages';

const FIXTURES = new URL('../../../shared/fixtures/', import.meta.url).pathname;

test('an encrypted backup asks for its password and imports with it', async ({ app }) => {
  await createVault(app);
  await app.getByRole('button', { name: 'Import…' }).first().click();
  const dialog = app.getByRole('dialog', { name: 'Import' });
  await dialog.getByTestId('import-files').setInputFiles([`${FIXTURES}backups/bluec0re__test_aes256_pw-test_v3.ab`]);
  await dialog.getByRole('button', { name: 'Import 1 file' }).click();
  const report = dialog.getByTestId('import-report');
  await expect(report).toContainText('Refused', { timeout: 60_000 });
  await expect(report).toContainText('This Android backup is encrypted');
  const form = dialog.getByTestId('backup-password');
  await expect(form).toContainText('bluec0re__test_aes256_pw-test_v3.ab is an encrypted Android backup');
  await snap(app, 'import-password-1-needed');

  await form.getByLabel('Backup password').fill('not it');
  await form.getByRole('button', { name: 'Import with this password' }).click();
  await expect(dialog.getByTestId('backup-password')).toContainText('That password was not right', { timeout: 60_000 });

  await dialog.getByTestId('backup-password').getByLabel('Backup password').fill('test');
  await dialog.getByTestId('backup-password').getByRole('button', { name: 'Import with this password' }).click();
  await expect(report).toContainText('Imported', { timeout: 60_000 });
  await expect(report).not.toContainText('Refused');
  await expect(dialog.getByTestId('backup-password')).toHaveCount(0);
  await snap(app, 'import-password-2-imported');
});

test('a watched folder added by path imports what is dropped into it', async ({ app }) => {
  const folder = mkdtempSync(join(tmpdir(), 'keepsake-e2e-watch-'));
  try {
    await createVault(app);
    await app.getByRole('button', { name: 'Import…' }).first().click();
    const dialog = app.getByRole('dialog', { name: 'Import' });
    const card = dialog.getByTestId('watch-folders');
    await card.getByText('Watch folders').click();
    await expect(card).toContainText('No folder is watched');
    await card.getByLabel('Folder on this computer').fill(join(folder, 'missing'));
    await card.getByRole('button', { name: 'Watch', exact: true }).click();
    await expect(card.getByRole('alert')).toContainText('no such folder');
    await card.getByLabel('Folder on this computer').fill(folder);
    await card.getByRole('button', { name: 'Watch', exact: true }).click();
    await expect(card.getByText(folder)).toBeVisible();
    mkdirSync(join(folder, 'Contacts'));
    copyFileSync(`${FIXTURES}contacts/ezvcard__gmail-list.vcf`, join(folder, 'Contacts', 'gmail.vcf'));
    // The default settle time is 5 s and the card refreshes every 5 s.
    await expect(card).toContainText('1 file imported', { timeout: 60_000 });
    await snap(app, 'import-password-3-watch-folders');
    await card.getByRole('button', { name: `Stop watching ${folder}` }).click();
    await expect(card).toContainText('No folder is watched');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
