import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';

export const title = 'workstation staff (desktop): home, menu by role';

export function story(env) {
  test('staff of 江川路街道 logs in and sees the workstation section', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);
      await page.getByText(/欢迎/).waitFor();
      await page.getByText(/工作站人员/).first().waitFor();
      await env.shot(page, 'staff-01-home');
      assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
    } finally {
      await context.close();
    }
  });
}
