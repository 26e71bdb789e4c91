import { chromium, type Page } from 'playwright-core';

/** Median and worst of a few timed runs, ms. */
export interface BrowserTiming {
  medianMs: number;
  maxMs: number;
}

/** Resolves once the results widget has replaced its skeleton (a table or the empty state). */
async function resultsShown(page: Page): Promise<void> {
  await page.waitForFunction(
    `!document.querySelector('[aria-busy="true"]') && Boolean(document.querySelector('[data-testid="results-table"], .empty'))`,
    undefined,
    { timeout: 60_000 },
  );
}

function summary(times: number[]): BrowserTiming {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? NaN),
    maxMs: Math.round(sorted.at(-1) ?? NaN),
  };
}

/**
 * What a person waits for in Chromium (Debian's, never downloaded) on the dashboard at `baseUrl`: `/logs` until its
 * results show, a text typed into the search box until its results show, and a row clicked until the drawer shows.
 */
export async function browserTimings(
  baseUrl: string,
  words: string[],
  log: (line: string) => void,
  user: { email: string; password: string },
  runs = 5,
): Promise<Record<string, BrowserTiming>> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const times: Record<string, number[]> = { logs_page: [], typed_search: [], open_drawer: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Signed in once through the real form (not timed); the session cookie serves every run.
    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('login-form').locator('input[name=email]').fill(user.email);
    await page.getByTestId('login-form').locator('input[name=password]').fill(user.password);
    await page.getByTestId('login-form').getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/login', { timeout: 60_000 });
    for (let run = 0; run <= runs; run++) {
      let started = Date.now();
      await page.goto(`${baseUrl}/logs`, { waitUntil: 'commit' });
      await resultsShown(page);
      const logsMs = Date.now() - started;

      const word = words[run % words.length] as string;
      await page.fill('[data-testid="search-q"]', word);
      started = Date.now();
      await page.click('[data-testid="search-submit"]');
      await page.waitForURL((url) => url.searchParams.get('q') === word, { timeout: 60_000 });
      await resultsShown(page);
      const searchMs = Date.now() - started;

      await page.goto(`${baseUrl}/logs`, { waitUntil: 'commit' });
      await resultsShown(page);
      started = Date.now();
      await page.locator('[data-testid="result-row"] td.msg').first().click();
      await page.waitForSelector('[data-testid="log-detail"]', { timeout: 60_000 });
      const drawerMs = Date.now() - started;
      // The first round warms Next's server and Chromium's cache; it is not counted.
      if (run === 0) continue;
      times.logs_page?.push(logsMs);
      times.typed_search?.push(searchMs);
      times.open_drawer?.push(drawerMs);
      log(`browser run ${run}: /logs ${logsMs} ms, search "${word}" ${searchMs} ms, drawer ${drawerMs} ms`);
    }
  } finally {
    await browser.close();
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, summary(list)]));
}
