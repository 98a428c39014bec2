import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';
import { residentIdNumber } from '../lib/idnumber.mjs';

export const title = 'workstation staff (desktop): households, personal data on request, register, overdue visits';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

export function story(env) {
  test('staff of 江川路街道 browses households, opens one and reveals its personal data', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);
      await page.getByText(/欢迎/).waitFor();
      await page.getByText(/工作站人员/).first().waitFor();
      await env.shot(page, 'staff-01-home');

      await page.getByRole('menuitem', { name: '困难家庭' }).first().click();
      await page.waitForURL('**/workstation/households');
      await page.locator('.ant-table-row').first().waitFor();
      const total = Number((await page.getByText(/共 \d+ 条/).innerText()).match(/共 (\d+) 条/)[1]);
      assert.ok(total > 0, 'the demo street has households');
      await env.shot(page, 'staff-02-households');

      // the next page starts where the first ended
      const firstRow = await page.locator('.ant-table-row').first().textContent();
      await page.getByRole('button', { name: '下一页' }).click();
      await page.getByText(/ · 2 \/ \d+/).waitFor();
      // the rows change once the next page arrives
      await page.waitForFunction((prev) => document.querySelector('.ant-table-row')?.textContent !== prev, firstRow);
      await page.getByRole('button', { name: '上一页' }).click();
      await page.getByText(/ · 1 \/ \d+/).waitFor();

      // an exact ID number that nobody has: the empty state
      await page.getByPlaceholder('按身份证号精确查找').fill('110101190001011234');
      await page.getByPlaceholder('按身份证号精确查找').press('Enter');
      await page.getByText('没有符合条件的家庭').waitFor();
      await env.shot(page, 'staff-03-households-empty');
      await page.getByRole('button', { name: /重\s*置/ }).click();
      await page.locator('.ant-table-row').first().waitFor();

      await page.locator('.ant-table-row').first().locator('a').first().click();
      await page.waitForURL(/\/workstation\/households\/[^/]+$/);
      await page.getByText('家庭成员').first().waitFor();
      await env.shot(page, 'staff-04-household');

      await page.getByRole('button', { name: '查看个人信息' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: '查看个人信息' }).click();
      await dialog.getByText('请填写此项').waitFor(); // a reason is required before anything is read
      await dialog.getByLabel('查看原因').fill('e2e：上门探访前核对地址');
      await dialog.getByRole('button', { name: '查看个人信息' }).click();
      await dialog.waitFor({ state: 'hidden' });
      // bordered descriptions: the label is a <th>, its value the next <td>
      const idCell = page.locator('th.ant-descriptions-item-label', { hasText: '身份证号' }).locator('xpath=following-sibling::td[1]');
      assert.match(await idCell.innerText(), /^\d{17}[\dX]$/);
      await env.shot(page, 'staff-05-household-personal-data');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });

  test('registering a household shows the server’s typed errors next to the fields, then succeeds', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);
      await page.goto('/workstation/households/new');
      const form = page.locator('form#household-register');
      await form.waitFor();
      // antd's own strings follow the app's language too (a CommonJS/ESM mix-up once left them English)
      assert.equal(await form.locator('.ant-picker input').first().getAttribute('placeholder'), '请选择日期');
      await form.getByLabel('社区').click();
      await form.getByLabel('社区').fill('红旗');
      await page.locator('.ant-select-tree-title', { hasText: /^红旗社区$/ }).click();
      await form.getByLabel('救助类别').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '特困' }).click();
      await form.getByLabel('户主姓名').fill('测试户主');
      await form.getByLabel('身份证号').fill('123');
      await form.getByLabel('住址').fill('江川路 1 号 101 室');
      await form.getByRole('button', { name: /登记家庭/ }).click();
      const idError = form.locator('.ant-form-item').filter({ has: page.getByLabel('身份证号') }).locator('.ant-form-item-explain-error');
      await idError.waitFor();
      assert.match(await idError.innerText(), /身份证/);
      await idError.scrollIntoViewIfNeeded();
      await env.shot(page, 'staff-06-register-typed-error', { fullPage: false });

      await form.getByLabel('身份证号').fill(residentIdNumber());
      await form.getByRole('button', { name: /登记家庭/ }).click();
      await page.waitForURL(/\/workstation\/households\/(?!new)[^/]+$/);
      await page.getByText('测试户主').waitFor({ state: 'detached' }); // personal data is not shown unasked
      await page.getByText('家庭成员').first().waitFor();
      await env.shot(page, 'staff-07-registered');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });

  test('overdue visits per community', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '逾期探访' }).first().click();
      await page.waitForURL('**/workstation/visits/overdue');
      await page.locator('.ant-collapse, .ant-empty').first().waitFor();
      await env.shot(page, 'staff-08-overdue-visits');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
