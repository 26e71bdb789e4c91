import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { repoRoot, uniqueName } from '@logstream/devstack';
import { signIn } from './sign-in';
import { startStack, type Stack } from './stack';

jest.setTimeout(180_000);

/** Screenshots of the sign-in and admin pages, for people to look at (git-ignored). */
const SHOTS = path.join(repoRoot(), 'docs', 'screenshots', 'tmp');
const PAGES = ['/', '/logs', '/live', '/services', '/queue', '/replay', '/pipeline', '/admin'];

/** Sign-in, roles and sessions in a real Chromium against the real API, worker, Redis and MongoDB-wire server. */
describe('dashboard sign-in and roles in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  };
  /** The server action request a click sends (its id header and body), to replay it from another session. */
  const captureAction = (page: Page) =>
    page.waitForRequest(
      (request: Request) => request.method() === 'POST' && !!request.headers()['next-action'],
    );
  const replayAction = async (page: Page, captured: Request) =>
    page.context().request.post(captured.url(), {
      headers: {
        'next-action': captured.headers()['next-action'] as string,
        'content-type': captured.headers()['content-type'] as string,
        accept: 'text/x-component',
        origin: base,
      },
      data: captured.postDataBuffer() ?? undefined,
    });
  const sessionCookie = async (page: Page) =>
    (await page.context().cookies()).find((cookie) => cookie.name === 'logstream_session');

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ empty: false });
    base = stack.dash.url;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.stop();
  });

  it('sends an anonymous visitor to /login from every page and gives no data to anonymous requests', async () => {
    const page = await newPage();
    for (const p of PAGES) {
      await page.goto(`${base}${p}`);
      expect({ page: p, path: new URL(page.url()).pathname }).toEqual({ page: p, path: '/login' });
    }
    expect(new URL(page.url()).searchParams.get('next')).toBe('/admin');
    await page.getByTestId('login-form').waitFor();
    expect(await page.locator('nav').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'login.png') });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.screenshot({ path: path.join(SHOTS, 'login-light.png') });

    for (const url of ['/logs/export?format=csv&range=7d', '/logs/export?format=ndjson', '/api/live-token']) {
      const res = await fetch(`${base}${url}`, { redirect: 'manual' });
      const body = await res.text();
      expect({ url, status: res.status }).toEqual({ url, status: 401 });
      expect(body).not.toContain(stack.seed.needle.toLowerCase());
    }
    // A forged cookie is no session.
    await page
      .context()
      .addCookies([{ name: 'logstream_session', value: 'Fe26.2*1*forged*cookie', url: base }]);
    await page.goto(`${base}/logs`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('refuses a wrong password with one message and no session, and cross-site posts outright', async () => {
    const page = await newPage();
    for (const [email, password] of [
      [stack.users.admin.email, 'not the password at all'],
      ['nobody@e2e.example', 'not the password at all'],
      [stack.users.admin.email, 'x'.repeat(10_000)],
    ] as const) {
      await page.goto(`${base}/login`);
      await page.locator('input[name=email]').fill(email);
      await page.locator('input[name=password]').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const error = page.getByTestId('login-error');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.innerText()).toBe('Wrong e-mail or password.');
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await sessionCookie(page)).toBeUndefined();
    }
    await page.screenshot({ path: path.join(SHOTS, 'login-error.png') });

    const crossSite = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(stack.users.admin.email)}&password=${encodeURIComponent(stack.users.admin.password)}`,
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('lets a viewer search, export and tail, shows no admin controls, and refuses admin actions on the server', async () => {
    // The admin's clicks give the server actions' requests, which the viewer then sends directly.
    const admin = await newPage();
    await signIn(admin, base, stack.users.admin);
    await admin.goto(`${base}/pipeline`);
    const faultCall = captureAction(admin);
    await admin.getByTestId('fault-reset').click();
    const faultRequest = await faultCall;
    await admin.getByRole('status').filter({ hasText: 'reset sent' }).waitFor({ timeout: 10_000 });

    const viewer = await newPage();
    await signIn(viewer, base, stack.users.viewer);
    expect(await viewer.getByTestId('user-menu').getAttribute('data-role')).toBe('viewer');
    await viewer.goto(`${base}/logs?q=${encodeURIComponent(stack.seed.needle)}&range=7d`);
    expect(await viewer.getByTestId('result-row').count()).toBeGreaterThan(0);
    const csv = await viewer.context().request.get(`${base}/logs/export?format=csv&range=7d&q=declined`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\n')[0]).toContain('ts,level,service');

    await viewer.goto(`${base}/`);
    await viewer.getByTestId('overview-volume').waitFor();
    await viewer.goto(`${base}/pipeline`);
    await viewer.getByTestId('pipeline').waitFor();
    expect(await viewer.locator('[data-testid^="fault-"]').count()).toBe(0);
    await viewer.goto(`${base}/replay`);
    await viewer.getByTestId('admin-only').waitFor();
    expect(await viewer.getByTestId('replay-form').count()).toBe(0);
    await viewer.goto(`${base}/queue`);
    await viewer.getByTestId('queue-waiting').first().waitFor();
    expect(await viewer.getByTestId('board-link').count()).toBe(0);
    expect(await viewer.locator('nav a[href="/admin"]').count()).toBe(0);
    await viewer.goto(`${base}/admin`);
    await viewer.getByTestId('admin-refused').waitFor();
    expect(await viewer.getByTestId('create-user-form').count()).toBe(0);

    const refused = await replayAction(viewer, faultRequest);
    expect(await refused.text()).toContain('refused: this needs an admin');

    await viewer.goto(`${base}/live`);
    await viewer.getByTestId('live-status').filter({ hasText: 'streaming' }).waitFor({ timeout: 15_000 });
    await viewer.getByTestId('live-row').first().waitFor({ timeout: 15_000 });
  });

  it('lets an admin manage users and keys; a password reset and a sign-out end sessions', async () => {
    const admin = await newPage();
    await signIn(admin, base, stack.users.admin);
    await admin.goto(`${base}/admin`);
    const email = `${uniqueName('new')}@e2e.example`;
    const userForm = admin.getByTestId('create-user-form');
    await userForm.locator('input[name=email]').fill(email);
    await userForm.locator('select[name=role]').selectOption('viewer');
    await userForm.locator('input[name=password]').fill('a first password for the new user');
    await userForm.getByRole('button', { name: 'Create user' }).click();
    await admin
      .getByTestId('create-user-result')
      .filter({ hasText: `Created viewer ${email}` })
      .waitFor();

    const keyForm = admin.getByTestId('create-key-form');
    await keyForm.locator('input[name=service]').fill('e2e-keys');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const key = await admin.getByTestId('new-key').innerText();
    expect(key).toMatch(/^lsk_/);
    const ingest = (apiKey: string) =>
      fetch(`${stack.apiUrl}/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({
          service: 'e2e-keys',
          level: 'info',
          message: 'with a key made in the dashboard',
        }),
      });
    expect((await ingest(key)).status).toBe(202);
    await admin.reload();
    await admin.getByTestId('users-table').getByText(email).waitFor();
    await admin.screenshot({ path: path.join(SHOTS, 'admin.png'), fullPage: true });
    await admin.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await admin.screenshot({ path: path.join(SHOTS, 'admin-light.png'), fullPage: true });
    const row = admin.getByTestId('key-row').filter({ hasText: 'e2e-keys' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked').waitFor({ timeout: 10_000 });
    expect((await ingest(key)).status).toBe(401);

    // The new user signs in; an admin's password reset ends that session.
    const user = await newPage();
    await signIn(user, base, { email, password: 'a first password for the new user' });
    await admin.reload();
    const resetForm = admin.getByTestId('reset-password-form');
    await resetForm.locator('select[name=email]').selectOption(email);
    await resetForm.locator('input[name=password]').fill('a second password for the user');
    await resetForm.getByRole('button', { name: 'Reset password' }).click();
    await admin.getByTestId('reset-password-result').filter({ hasText: 'sessions have ended' }).waitFor();
    // The cookie still unseals, so the page itself (not the proxy) finds the session over and redirects.
    await user.goto(`${base}/logs`);
    await user.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
    expect(await user.getByTestId('result-row').count()).toBe(0);

    // Sign-out ends the session: the browser loses it, and a copy of the old cookie is refused too.
    const copy = await sessionCookie(admin);
    expect(copy?.httpOnly).toBe(true);
    expect(copy?.sameSite).toBe('Lax');
    await admin.getByTestId('sign-out').click();
    await admin.waitForURL(/\/login$/);
    await admin.goto(`${base}/`);
    expect(new URL(admin.url()).pathname).toBe('/login');
    const thief = await newPage();
    await thief.context().addCookies([{ ...(copy as NonNullable<typeof copy>) }]);
    await thief.goto(`${base}/logs`);
    await thief.waitForURL((url) => url.pathname === '/login', { timeout: 10_000 });
    expect(await thief.getByTestId('result-row').count()).toBe(0);
    expect((await thief.context().request.get(`${base}/api/live-token`)).status()).toBe(401);
  });
});
