// Devices and Cloud in a real browser: turn the gateway on, pair the reference agent by
// the code the dialog shows, sync a phone folder, see the device with its items; add a
// folder cloud target with its live check, sync it, read its health line.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test, expect } from './fixtures';
import { createVault, openSection, snap } from './pages';

const run = promisify(execFile);
const FIXTURES = new URL('../../../shared/fixtures/', import.meta.url).pathname;

test('pair a phone with the agent, sync it, and mirror to a folder target', async ({ app }) => {
  const work = mkdtempSync(join(tmpdir(), 'ks-e2e-phone-'));
  try {
    const phone = join(work, 'phone');
    mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
    mkdirSync(join(work, "cloud"));
    copyFileSync(`${FIXTURES}photos/exifr__IMG_20180725_163423-tiny.jpg`, join(phone, 'DCIM', 'Camera', 'IMG_20180725_163423.jpg'));
    copyFileSync(`${FIXTURES}contacts/ezvcard__gmail-list.vcf`, join(phone, 'contacts.vcf'));

    await createVault(app);
    await openSection(app, 'Devices');
    await expect(app.getByText('No phones paired yet')).toBeVisible();
    await app.getByTestId('gateway').getByRole('button', { name: 'Turn on' }).click();
    await expect(app.getByTestId('gateway')).toContainText('Sync gateway: on');

    await app.getByRole('button', { name: 'Pair a phone…' }).first().click();
    const dialog = app.getByRole('dialog', { name: 'Pair a phone' });
    const code = await dialog.getByTestId('pair-uri').inputValue({ timeout: 30_000 });
    await snap(app, '40-pair-dialog');
    const agent = (...args: string[]) => run(process.execPath, ['bin/keepsake-agent.mjs', ...args, '--phone', phone, '--state', join(work, 'state'), '--name', 'Test Pixel'], { timeout: 120_000 });
    await agent('pair', code.replace('0.0.0.0', '127.0.0.1'));
    await expect(dialog.getByRole('status')).toContainText('Paired', { timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await agent('sync');
    await app.getByRole('link', { name: 'Devices', exact: true }).click();
    await app.reload();
    const device = app.getByTestId('device').filter({ hasText: 'Test Pixel' });
    await expect(device).toContainText(/items/, { timeout: 30_000 });
    await snap(app, '41-devices');

    await openSection(app, 'Cloud');
    await app.getByRole('button', { name: 'Add target…' }).click();
    const add = app.getByRole('dialog', { name: 'Add a cloud target' });
    await add.getByLabel('Folder', { exact: true }).fill(join(work, 'cloud'));
    await add.getByRole('button', { name: 'Check', exact: true }).click();
    await expect(add.getByTestId('conformance')).toContainText('can hold your vault safely', { timeout: 30_000 });
    await snap(app, '42-add-target');
    await add.getByRole('button', { name: 'Add target' }).click();
    const target = app.getByTestId('target');
    await expect(target).toBeVisible({ timeout: 30_000 });
    await target.getByRole('button', { name: 'Sync now' }).click();
    // "Never synced" is on screen from the start: wait for the line a finished sync writes.
    await expect(target.getByTestId('health')).toContainText('Last synced', { timeout: 60_000 });
    await snap(app, '43-cloud');
  } finally {
    // A sync job may still be finishing writes into work/cloud after its health line
    // changed: locking stops every job and service first (the server itself stops only
    // after the test).
    await app.getByRole('button', { name: 'Lock' }).click().catch(() => undefined);
    await expect(app.getByRole('button', { name: 'Unlock' })).toBeVisible().catch(() => undefined);
    rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});
