// Page objects for the browser tests: what a person does, named as they would say it.
import { expect, type Page } from '@playwright/test';

export const PASSPHRASE = 'correct horse battery staple orbit';

export async function createVault(page: Page, passphrase = PASSPHRASE): Promise<string> {
  await expect(page.getByRole('heading', { name: 'Create your vault' })).toBeVisible();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Type it again').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await expect(page.getByRole('heading', { name: 'Your Emergency Kit' })).toBeVisible({ timeout: 30_000 });
  const key = (await page.getByTestId('recovery-key').textContent())?.trim() ?? '';
  await page.getByLabel(/I have printed or written down/).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  return key;
}

export async function openSection(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: label, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: label })).toBeVisible();
}

export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: false });
}
