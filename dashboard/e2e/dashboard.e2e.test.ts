import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, uniqueName, waitFor } from '@logstream/devstack';
import type { DashboardServer } from './next-server';
import type { SeedSummary } from './seed-data';
import { signIn } from './sign-in';
import { startStack, type Stack } from './stack';

// Starting three processes and a browser on a 2-core machine takes a while.
jest.setTimeout(180_000);

// Screenshots go to a git-ignored folder, so `npm test` leaves the tree clean; `npm run screenshots` points this at
// docs/screenshots to refresh the ones the README shows.
const SHOTS = path.resolve(
  repoRoot(),
  process.env.LOGSTREAM_SCREENSHOTS_DIR ?? path.join('.cache', 'screenshots'),
);
fs.mkdirSync(SHOTS, { recursive: true });
const PAGES = [
  { path: '/', name: 'overview', key: 'overview-volume', ready: null },
  { path: '/logs', name: 'logs', key: 'results-table', ready: null },
  { path: '/live', name: 'live', key: 'live-status', ready: '[data-testid=live-row]' },
  { path: '/services', name: 'services', key: 'services-table', ready: '[data-testid=ack-stream]' },
  { path: '/queue', name: 'queue', key: 'queue-waiting', ready: '.grid-2 .card:nth-child(2) canvas' },
  { path: '/replay', name: 'replay', key: 'replay-table', ready: null },
  { path: '/pipeline', name: 'pipeline', key: 'pipeline', ready: '[data-testid=pipeline] circle' },
] as const;
/** The dashboard in a real Chromium against the real API, worker, Redis and MongoDB-wire server. */
describe('dashboard in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let emptyPage: Page;
  let seed: SeedSummary;
  let apiUrl: string;
  let dash: DashboardServer;
  let emptyDash: DashboardServer;
  let adminKey: string;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    stack = await startStack();
    ({ seed, apiUrl, dash, adminKey } = stack);
    emptyDash = stack.emptyDash as DashboardServer;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Every page needs a session. Cookies ignore the port, so the second dashboard gets a browser context of its own.
    await signIn(page, dash.url, stack.users.admin);
    emptyPage = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(emptyPage, emptyDash.url, stack.users.admin);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('renders every page with its key widget (and saves a dark-theme screenshot of each)', async () => {
    for (const p of PAGES) {
      const response = await page.goto(`${dash.url}${p.path}`, { waitUntil: 'domcontentloaded' });
      expect({ path: p.path, status: response?.status() }).toEqual({ path: p.path, status: 200 });
      await page.getByTestId(p.key).first().waitFor({ state: 'visible', timeout: 15_000 });
      await page
        .getByTestId('api-badge')
        .and(page.locator('[data-status="live"]'))
        .waitFor({ timeout: 10_000 });
      if (p.ready) await page.locator(p.ready).first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(SHOTS, `${p.name}.png`), fullPage: true });
    }
    // The rest measures the dashboard, not a loaded 2-core machine.
    stack.stopTraffic();
  });

  it('answers 200 on every page with an empty database and no API, and says the API is unreachable', async () => {
    for (const p of PAGES) {
      const response = await emptyPage.goto(`${emptyDash.url}${p.path}`, { waitUntil: 'domcontentloaded' });
      expect({ path: p.path, status: response?.status() }).toEqual({ path: p.path, status: 200 });
      expect(new URL(emptyPage.url()).pathname).toBe(p.path);
      await emptyPage.locator('main').waitFor();
      expect(await emptyPage.getByTestId('page-error').count()).toBe(0);
    }
    await emptyPage.goto(`${emptyDash.url}/logs`);
    await emptyPage.getByTestId('empty-state').first().waitFor();
    await emptyPage
      .getByTestId('api-badge')
      .and(emptyPage.locator('[data-status="unreachable"]'))
      .waitFor({ timeout: 10_000 });
    await emptyPage.screenshot({ path: path.join(SHOTS, 'empty-logs.png') });
  });

  it('searches the store on the server: text narrows the results and every shown message matches', async () => {
    await page.goto(`${dash.url}/logs`);
    const before = Number(
      await page
        .getByTestId('result-count')
        .innerText()
        .then((t) => t.replace('+', '')),
    );
    await page.getByTestId('search-q').fill(seed.needle);
    await page.getByTestId('search-submit').click();
    await page.waitForURL(/q=Card\+Declined/);
    await page.getByTestId('results-table').waitFor();
    const messages = await page.getByTestId('result-row').locator('td.msg').allInnerTexts();
    expect(messages.length).toBeGreaterThan(0);
    expect(await page.locator('td.msg mark').count()).toBe(messages.length);
    if (messages.length < Math.min(seed.needleCount, 50)) {
      // A text search reads a bounded number of candidates per page, then says how far back it looked.
      await page.getByTestId('searched-back-to').waitFor();
      await page.getByTestId('search-older').click();
      await page.waitForURL(/to=/);
      await page
        .getByTestId('result-row')
        .first()
        .or(page.getByText(/No older logs|No logs match/))
        .first()
        .waitFor();
      // The older window may hold none of the seeded matches (they are spread over days); whatever it lists matches.
      const older = await page.getByTestId('result-row').locator('td.msg').allInnerTexts();
      expect(older.every((m) => m.toLowerCase().includes('card declined'))).toBe(true);
    }
    expect(messages.every((m) => m.toLowerCase().includes('card declined'))).toBe(true);
    expect(before).toBeGreaterThanOrEqual(messages.length);

    await page.goto(`${dash.url}/logs?range=7d&requestId=${seed.requestId}`);
    const streams = await page.getByTestId('result-row').locator('td:nth-child(3)').allInnerTexts();
    expect(new Set(streams.map((s) => s.split(/[/#]/)[0]))).toEqual(new Set(seed.requestServices));
  });

  it('opens a row in the drawer and its permalink, with the request timeline and missing seqs', async () => {
    await page.goto(`${dash.url}/logs?range=7d&requestId=${seed.requestId}`);
    await page.getByTestId('result-row').filter({ hasText: 'card declined' }).locator('td.msg a').click();
    await page.getByTestId('drawer').waitFor();
    expect(await page.getByTestId('request-timeline').locator('li').count()).toBe(4);
    await page.screenshot({ path: path.join(SHOTS, 'logs-drawer.png') });
    await page.getByTestId('permalink').click();
    await page.waitForURL(/\/logs\/payment%2Feu-1%40\d+$/);
    await page.getByTestId('log-detail').waitFor();
    expect(await page.getByTestId('log-json').innerText()).toContain('"$ref": "card#4242"');

    const response = await page.goto(
      `${dash.url}/logs/${encodeURIComponent(`${seed.streamWithHole}@${seed.holeSeq - 1}`)}`,
    );
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId('missing-seq').innerText()).resolves.toContain(`#${seed.holeSeq}`);
  });

  it('opens the drawer from any cell of a row and closes it with Escape', async () => {
    await page.goto(`${dash.url}/logs?range=7d&requestId=${seed.requestId}`);
    // The stream cell holds no link: the row itself opens the drawer.
    await page.getByTestId('result-row').first().locator('td:nth-child(3)').click();
    await page.getByTestId('drawer').waitFor();
    expect(page.url()).toContain('open=');
    await page.keyboard.press('Escape');
    await page.getByTestId('drawer').waitFor({ state: 'detached' });
    expect(page.url()).not.toContain('open=');
  });

  it('changes the URL time range when the histogram is brushed', async () => {
    await page.goto(`${dash.url}/logs?range=24h`);
    const canvas = page.getByTestId('histogram').locator('canvas').first();
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('histogram canvas has no box');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.55, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/from=.*&to=/, { timeout: 10_000 });
    const url = new URL(page.url());
    const span =
      Date.parse(url.searchParams.get('to') as string) - Date.parse(url.searchParams.get('from') as string);
    expect(span).toBeGreaterThan(0);
    expect(span).toBeLessThan(12 * 3_600_000);
    expect(url.searchParams.get('range')).toBeNull();
  });

  it('exports the current search as NDJSON and CSV', async () => {
    // The browser context's request client sends the session cookie, as a click on the export link would.
    const download = (query: string) => page.context().request.get(`${dash.url}/logs/export?${query}`);
    const ndjson = await (await download(`format=ndjson&range=7d&requestId=${seed.requestId}`)).text();
    const rows = ndjson
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { requestId: string });
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.requestId === seed.requestId)).toBe(true);
    const csv = await (await download(`format=csv&range=7d&requestId=${seed.requestId}`)).text();
    expect(csv.trim().split('\n')).toHaveLength(5);
    expect(csv.split('\n')[0]).toBe('ts,level,service,instance,stream,seq,requestId,message,id,meta');
  });

  it('shows a log on /live within 2 s of POST /ingest', async () => {
    await page.goto(`${dash.url}/live`);
    await page.getByTestId('live-status').filter({ hasText: 'streaming' }).waitFor({ timeout: 10_000 });
    // Only fatal logs: the filter goes to the server as live:filter and is applied again in the browser.
    await page.locator('label.chip', { hasText: 'fatal' }).click();
    const message = `live e2e ${uniqueName('msg')}`;
    const postedAt = Date.now();
    const response = await fetch(`${apiUrl}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
      body: JSON.stringify([
        { service: 'e2e-live', level: 'info', message: `${message} (filtered out)` },
        { service: 'e2e-live', level: 'fatal', message },
      ]),
    });
    expect(response.status).toBe(202);
    await page.getByTestId('live-row').filter({ hasText: message }).waitFor({ timeout: 2_000 });
    expect(Date.now() - postedAt).toBeLessThan(2_000);
    expect(await page.getByTestId('live-row').filter({ hasText: 'filtered out' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'live-streaming.png') });

    // Seconds later, the server-rendered search finds the same log by a word of its message.
    const word = message.split(' ').pop() as string;
    let lastSeen = 'no answer';
    try {
      await waitFor(
        async () => {
          const res = await page.goto(`${dash.url}/logs?q=${encodeURIComponent(word)}&range=15m`);
          const rows = page
            .getByTestId('result-row')
            .filter({ hasText: message, hasNotText: 'filtered out' });
          const found = res?.status() === 200 && (await rows.count()) === 1;
          if (!found) {
            const text = (
              await page
                .locator('main')
                .innerText()
                .catch(() => '')
            ).replace(/\s+/g, ' ');
            lastSeen = `status ${res?.status()}, ${await page.getByTestId('result-row').count()} rows: ${text.slice(0, 400)}`;
          }
          return found;
        },
        45_000,
        `/logs?q=${word} did not list the log ingested seconds before`,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last page: ${lastSeen}`);
    }
    // Both logs of that request contain the word (the live filter only hid the info one from the tail).
    expect(await page.getByTestId('result-row').count()).toBe(2);
  });

  it('fits a phone (390 px) and the light theme toggles', async () => {
    const phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      storageState: await page.context().storageState(),
    });
    const phone = await phoneContext.newPage();
    await phone.goto(`${dash.url}/`);
    await phone.getByTestId('overview-volume').waitFor();
    await phone.waitForLoadState('networkidle');
    await phone.screenshot({ path: path.join(SHOTS, 'phone-overview.png'), fullPage: true });
    // No page may scroll sideways at phone width (wide tables and the diagram scroll inside their own box).
    for (const p of PAGES) {
      await phone.goto(`${dash.url}${p.path}`);
      await phone.getByTestId(p.key).first().waitFor({ timeout: 15_000 });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ path: p.path, overflow }).toEqual({ path: p.path, overflow: 0 });
    }
    await phone.goto(`${dash.url}/logs?q=declined`);
    await phone.getByTestId('results-table').waitFor();
    await phone.screenshot({ path: path.join(SHOTS, 'phone-logs.png') });
    await phone.getByTestId('theme-toggle').click();
    await waitFor(
      () => phone.evaluate(() => document.documentElement.dataset.theme === 'light'),
      2_000,
      'theme did not switch',
    );
    await phoneContext.close();
    await page.goto(`${dash.url}/`);
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('overview-volume').locator('canvas').first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(SHOTS, 'overview-light.png'), fullPage: true });
    await page.getByTestId('theme-toggle').click();
  });

  it('injects a fault from the pipeline page and draws it on the diagram', async () => {
    await page.goto(`${dash.url}/pipeline`);
    await page.getByTestId('pipeline').waitFor();
    await page.getByTestId('fault-crash-worker').click();
    const status = page.getByRole('status');
    await status.waitFor({ timeout: 5_000 });
    expect(await status.innerText()).toBe('crash-worker sent');
    await page
      .getByTestId('pipeline')
      .getByText('worker down: jobs wait in Redis')
      .waitFor({ timeout: 5_000 });
    await page.screenshot({ path: path.join(SHOTS, 'pipeline-fault.png') });
    await page.getByTestId('fault-reset').click();
    await page.getByRole('status').filter({ hasText: 'reset sent' }).waitFor({ timeout: 5_000 });
    await waitFor(
      async () => (await page.getByTestId('pipeline').getByText('worker down').count()) === 0,
      5_000,
      'fault still drawn after reset',
    );
  });

  it('triggers a manual replay through the form (server action → POST /replays) and lists it', async () => {
    await page.goto(`${dash.url}/replay`);
    const form = page.getByTestId('replay-form');
    await form.locator('input[name=stream]').fill('checkout/eu-1');
    await form.locator('input[name=from]').fill('40');
    await form.locator('input[name=to]').fill('42');
    await form.getByRole('button', { name: 'Request replay' }).click();
    const status = form.getByRole('status');
    await status.waitFor({ timeout: 5_000 });
    expect(await status.innerText()).toMatch(/^Replay \S+ of checkout\/eu-1 40–42 is /);
    await page.reload();
    // One range of a stream is one request: asking by hand for a gap the watcher already asked for answers that
    // request (origin gap) rather than opening a second one; either way the range is listed.
    await page
      .getByTestId('replay-table')
      .locator('tr', { hasText: '40–42' })
      .filter({ hasText: 'checkout/eu-1' })
      .first()
      .waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'replay.png'), fullPage: true });
  });
});
