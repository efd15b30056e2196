// A new computer: the first-run screen's "Restore from cloud" rebuilds the vault from a
// folder target with only the recovery key; then the old passphrase unlocks it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, startServe } from './fixtures';
import { createVault, openSection, PASSPHRASE, snap } from './pages';

test('restore a whole vault on a new computer from the cloud and the recovery key', async ({ app, browser }) => {
  const work = mkdtempSync(join(tmpdir(), 'ks-e2e-restore-'));
  const cloud = join(work, 'cloud');
  mkdirSync(cloud);
  const recoveryKey = await createVault(app);
  await openSection(app, 'Cloud');
  await app.getByRole('button', { name: 'Add target…' }).first().click();
  const add = app.getByRole('dialog', { name: 'Add a cloud target' });
  await add.getByLabel('Folder', { exact: true }).fill(cloud);
  await add.getByRole('button', { name: 'Add target' }).click();
  await app.getByTestId('target').getByRole('button', { name: 'Sync now' }).click();
  // "Never synced" is on screen from the start: wait for the line a finished sync writes,
  // or the new computer may look at a copy that is still being uploaded.
  await expect(app.getByTestId('health')).toContainText('Last synced', { timeout: 60_000 });

  const newHome = join(work, 'new-computer');
  const { served, child } = await startServe(newHome);
  const page = await browser.newPage();
  try {
    await page.goto(served.url);
    await page.getByRole('button', { name: /Restore it on this computer/ }).click();
    await page.getByLabel('Folder', { exact: true }).fill(cloud);
    await page.getByLabel('Recovery key').fill(recoveryKey);
    await snap(page, '50-restore-from-cloud');
    await page.getByRole('button', { name: 'Restore' }).click();
    // Whichever comes first: the success notice, or the error the screen shows instead
    // (so a failed restore fails here with its message, not with a timeout).
    const outcome = page.getByRole('status').filter({ hasText: 'Your vault is back' }).or(page.getByRole('alert'));
    await expect(outcome).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    // The state check after "Continue" is held back (a slow answer, as on a loaded
    // machine): meanwhile the restore screen must stay, never flashing the create-a-vault
    // screen, whose own Passphrase field would take what is typed next.
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/rpc/app.about', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Create your vault' })).toHaveCount(0);
    await snap(page, '51-restore-continue-waiting');
    release();
    await expect(page.getByRole('heading', { name: 'Keepsake is locked' })).toBeVisible({ timeout: 30_000 });
    await page.unroute('**/rpc/app.about');
    await page.getByLabel('Passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible({ timeout: 30_000 });
  } finally {
    await page.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
});
