import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';

export const title = 'resident donor: my gifts with their trace, online payment status, open needs anonymised';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

export function story(env) {
  test('donor sees the gifts’ trace and whether online payment is on', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'donor1@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '我的捐赠' }).first().click();
      await page.waitForURL('**/giving/mine');
      // the demo runs without STRIPE_SECRET_KEY: the page says online payment is off and what to do instead
      await page.getByText(/在线支付(未开启|已开启)/).waitFor();
      await page.locator('.ant-list-item, .ant-empty').first().waitFor();
      await env.shot(page, 'donor-01-my-gifts');

      await page.getByRole('menuitem', { name: '待对接需求' }).first().click();
      await page.locator('.need-card, .ant-empty').first().waitFor();
      const text = await page.locator('.app-content').innerText();
      assert.doesNotMatch(text, /\d{17}[\dX]/, 'no ID number on a donor’s screen');
      await env.shot(page, 'donor-02-open-needs');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
