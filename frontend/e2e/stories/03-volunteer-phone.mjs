import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login, PHONE } from '../lib/browser.mjs';

export const title = 'volunteer on a phone (390×844): home, menu drawer, profile';

export function story(env) {
  test('volunteer logs in on a phone and edits the profile', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl, { device: PHONE });
    try {
      await login(page, 'vol1@huzhu.demo', env.demoPassword);
      await page.getByText(/欢迎/).waitFor();
      await env.shot(page, 'volunteer-01-home-phone');
      // nothing may stick out sideways on a phone
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);

      await page.getByRole('button', { name: '菜单' }).click();
      await page.locator('.ant-drawer-open').waitFor();
      await page.waitForTimeout(500); // the drawer slides in
      await env.shot(page, 'volunteer-02-menu-phone', { fullPage: false });
      await page.locator('.ant-drawer').getByText('我的资料').click();
      await page.locator('label[title="可服务时段"]').waitFor();
      await env.shot(page, 'volunteer-03-profile-phone');
      assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
    } finally {
      await context.close();
    }
  });
}
