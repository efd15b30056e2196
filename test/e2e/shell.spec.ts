// The foundation's vertical slice in a real browser: onboarding, every sidebar section,
// app.about on screen, lock and unlock. Screenshots of each section are saved under
// test-results/screens/.
import { test, expect } from './fixtures';
import { createVault, openSection, PASSPHRASE, snap } from './pages';

const SECTIONS = ['Dashboard', 'Photos', 'Messages', 'Notes', 'Contacts', 'Calendar', 'Email', 'Data map', 'Devices', 'Cloud', 'Recovery', 'Privacy', 'Activity', 'Settings'];

test('onboarding, every section, about data, lock and unlock', async ({ app, served }) => {
  await snap(app, '00-onboarding');
  const key = await createVault(app);
  expect(key.length).toBeGreaterThan(20);

  for (const [i, label] of SECTIONS.entries()) {
    await openSection(app, label);
    await expect(app.getByText('Lorem')).toHaveCount(0);
    await snap(app, `${String(i + 1).padStart(2, '0')}-${label.toLowerCase().replace(/ /g, '-')}`);
  }

  await openSection(app, 'Settings');
  await expect(app.getByTestId('about-data-folder')).toHaveText(served.home);
  await expect(app.getByTestId('about-vault-state')).toHaveText('Unlocked');
  await expect(app.getByTestId('about-host')).toHaveText('Web host (keepsake serve)');
  await expect(app.getByTestId('about-version')).toHaveText(/^\d+\.\d+\.\d+/);

  await app.getByRole('button', { name: 'Lock' }).click();
  await expect(app.getByRole('heading', { name: 'Keepsake is locked' })).toBeVisible();
  await snap(app, '90-locked');
  await app.getByLabel('Passphrase').fill('not the passphrase');
  await app.getByRole('button', { name: 'Unlock' }).click();
  await expect(app.getByRole('alert')).toContainText(/passphrase/i);
  await app.getByLabel('Passphrase').fill(PASSPHRASE);
  await app.getByRole('button', { name: 'Unlock' }).click();
  await expect(app.getByRole('navigation', { name: 'Sections' })).toBeVisible();
});

test('keyboard only: the sidebar is reachable and focus is visible', async ({ app }) => {
  await createVault(app);
  await app.keyboard.press('Tab');
  const focused = await app.evaluate(() => document.activeElement?.tagName ?? '');
  expect(['A', 'BUTTON', 'H1']).toContain(focused);
});
