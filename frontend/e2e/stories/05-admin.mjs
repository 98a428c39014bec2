import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';

export const title = 'administrator: rule settings with typed errors next to the fields';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

export function story(env) {
  test('an administrator edits the time-bank rules; a rule the server refuses is marked at its field', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'admin@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '规则设置' }).first().click();
      await page.waitForURL('**/manage/rules');
      const form = page.locator('form#time-bank-rules');
      const star1 = form.getByLabel('一星所需累计时长');
      await star1.waitFor();
      await page.waitForFunction(() => (document.querySelector('#time-bank-rules_star1Minutes')?.value ?? '') !== '');
      const before = await star1.inputValue();

      // stars must rise: a first star dearer than the second is refused, and the message sits at star1Minutes
      await star1.fill('9999999');
      await form.getByRole('button', { name: /保\s*存/ }).click();
      const error = form.locator('.ant-form-item').filter({ has: page.getByLabel('一星所需累计时长') }).locator('.ant-form-item-explain-error');
      await error.waitFor();
      assert.match(await error.innerText(), /\S/);
      await error.scrollIntoViewIfNeeded();
      await env.shot(page, 'admin-01-rules-typed-error', { fullPage: false });

      await star1.fill(before);
      await form.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText('已保存').first().waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await env.shot(page, 'admin-02-rules');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
