// Headless Debian Chromium driven by playwright-core (no browser download): the launch flags keep it from
// reaching for the network, which this machine does not have.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DESKTOP = { viewport: { width: 1366, height: 900 } };
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
};

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (never playwright install)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * A browser context for one person, with the UI language fixed (zh-Hans unless told) and console errors
 * collected, so that a story can assert the page logged none.
 */
export async function newPerson(browser, baseUrl, { device = DESKTOP, locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ ...device, baseURL: baseUrl, locale, timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return { context, page, problems };
}

export function screenshotter(outputDir) {
  mkdirSync(outputDir, { recursive: true });
  const taken = [];
  const shot = async (page, name, { fullPage = true } = {}) => {
    const file = path.join(outputDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    taken.push(file);
    return file;
  };
  shot.taken = taken;
  return shot;
}

/** Log in through the real login form (allauth headless API underneath). */
export async function login(page, email, password) {
  await page.goto('/login');
  await page.getByLabel(/邮箱|Email/).fill(email);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.getByRole('button', { name: /登\s*录|Log in/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
}
