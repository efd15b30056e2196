// Settings → Security in a real browser: test the Emergency Kit, make a new recovery key
// (asks for the passphrase first), and the old kit stops working.
import { test, expect } from './fixtures';
import { createVault, openSection, PASSPHRASE, snap } from './pages';

test('emergency kit drill, recovery key rotation with re-verification', async ({ app }) => {
  const oldKey = await createVault(app);
  await openSection(app, 'Settings');
  await expect(app.getByTestId('key-slots')).toContainText('Passphrase');
  await expect(app.getByTestId('key-slots')).toContainText('Recovery key');

  await app.getByLabel('Test your recovery key').fill(oldKey);
  await app.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(app.getByRole('status').filter({ hasText: 'Your Emergency Kit works' })).toBeVisible();

  await app.getByRole('button', { name: 'Make a new recovery key…' }).click();
  await expect(app.getByRole('dialog', { name: "Confirm it's you" })).toBeVisible();
  await snap(app, '20-reverify');
  await app.getByRole('dialog').getByLabel('Passphrase').fill('wrong passphrase here');
  await app.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(app.getByRole('dialog').getByRole('alert')).toContainText(/not right/);
  // A wrong passphrase starts a short back-off: keep confirming until core accepts it.
  await app.getByRole('dialog').getByLabel('Passphrase').fill(PASSPHRASE);
  await expect(async () => {
    await app.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(app.getByRole('dialog')).toBeHidden({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  const newKey = (await app.getByTestId('new-recovery-key').textContent({ timeout: 30_000 }))?.trim() ?? '';
  expect(newKey).not.toBe(oldKey);
  await snap(app, '21-settings-security');

  await app.getByLabel('Test your recovery key').fill(oldKey);
  await app.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(app.getByRole('alert')).toBeVisible();
  await app.getByLabel('Test your recovery key').fill(newKey);
  await app.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(app.getByRole('status').filter({ hasText: 'Your Emergency Kit works' })).toBeVisible();
});
