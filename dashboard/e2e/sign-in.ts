import type { Page } from 'playwright-core';
import type { Credentials } from './stack';

/** Signs `page` in on the dashboard at `baseUrl` through the real form, and waits until it has left /login. */
export async function signIn(page: Page, baseUrl: string, user: Credentials): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-form').locator('input[name=email]').fill(user.email);
  await page.getByTestId('login-form').locator('input[name=password]').fill(user.password);
  await page.getByTestId('login-form').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 });
}
