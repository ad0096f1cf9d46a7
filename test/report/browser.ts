import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium: `.ci/run` installs it (scripts/setup-docker.sh); nothing is downloaded. */
export const CHROMIUM = process.env.FACTORY_BENCH_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set FACTORY_BENCH_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and Content-Security-Policy violations. */
  problems: string[];
  /** Every request that left the page's own origin (file: or the local server). */
  outside: string[];
}

/** A page whose errors and requests are recorded; requests off `allowed` are refused. */
export async function watchedPage(browser: Browser, allowed: (url: string) => boolean): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { page, context, problems, outside };
}
