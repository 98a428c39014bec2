import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login, PHONE } from '../lib/browser.mjs';

export const title = 'volunteer on a phone (390×844): home, menu, time bank, open needs, profile';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

async function noSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${page.url()} is ${overflow}px wider than the phone`);
}

async function openMenu(page, item) {
  await page.getByRole('button', { name: '菜单' }).click();
  await page.locator('.ant-drawer-open').waitFor();
  await page.waitForTimeout(400); // the drawer slides in
  await page.locator('.ant-drawer').getByText(item, { exact: true }).first().click();
  await page.locator('.ant-drawer-open').waitFor({ state: 'detached' }).catch(() => {});
}

export function story(env) {
  test('volunteer logs in on a phone, sees the time bank, open needs and the profile', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl, { device: PHONE });
    try {
      await login(page, 'vol1@huzhu.demo', env.demoPassword);
      await page.getByText(/欢迎/).waitFor();
      await env.shot(page, 'volunteer-01-home-phone');
      await noSidewaysScroll(page);

      await page.getByRole('button', { name: '菜单' }).click();
      await page.locator('.ant-drawer-open').waitFor();
      await page.waitForTimeout(400);
      await env.shot(page, 'volunteer-02-menu-phone', { fullPage: false });
      await page.keyboard.press('Escape');

      await openMenu(page, '我的时间银行');
      await page.waitForURL('**/volunteer/timebank');
      await page.getByText('收支明细').waitFor();
      await page.locator('.ant-table-row, .ant-empty, .ant-alert').first().waitFor();
      await env.shot(page, 'volunteer-03-timebank-phone', { fullPage: false });
      await noSidewaysScroll(page);

      await openMenu(page, '待对接需求');
      await page.waitForURL('**/needs');
      await page.locator('.need-card, .ant-empty').first().waitFor();
      const body = await page.locator('main, .app-content').first().innerText();
      assert.doesNotMatch(body, /\d{17}[\dX]/, 'no ID number on the volunteer’s screen');
      await env.shot(page, 'volunteer-04-open-needs-phone', { fullPage: false });
      await noSidewaysScroll(page);

      await openMenu(page, '我的资料');
      await page.locator('label[title="可服务时段"]').waitFor();
      await env.shot(page, 'volunteer-05-profile-phone', { fullPage: false });
      await noSidewaysScroll(page);
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
