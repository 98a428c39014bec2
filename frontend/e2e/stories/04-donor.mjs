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

  test('donor pledges goods to a workstation and a service, and finds both under my pledges', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    const top = async (name) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await env.shot(page, name);
    };
    try {
      await login(page, 'donor1@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '我要捐赠' }).first().click();
      await page.waitForURL('**/giving/give');
      await page.getByRole('tab', { name: '捐物' }).click();
      // submitting empty: each required field says so next to itself
      await page.getByRole('button', { name: '提交物资认捐' }).click();
      assert.ok((await page.getByText('请填写此项').count()) >= 2);
      // the dropdowns' items are clicked by their DOM event: under load antd's opening motion keeps them from
      // ever counting as "stable" for a pointer click
      await page.getByRole('combobox', { name: '物资' }).click();
      await page.locator('.ant-cascader-menu-item', { hasText: '衣物被褥' }).dispatchEvent('click');
      await page.locator('.ant-cascader-menu-item', { hasText: '棉被' }).dispatchEvent('click');
      await page.getByLabel('数量').fill('3');
      await page.getByRole('combobox', { name: '送到哪个工作站' }).click();
      await page.locator('.ant-select-item-option').first().dispatchEvent('click');
      await top('donor-03-goods-pledge-form');
      await page.getByRole('button', { name: '提交物资认捐' }).click();
      await page.getByText('物资认捐已登记').waitFor();
      await top('donor-04-goods-pledged');

      await page.getByRole('tab', { name: '认捐服务' }).click();
      await page.getByRole('combobox', { name: '服务类型' }).click();
      await page.locator('.ant-select-item-option', { hasText: '陪同就医' }).dispatchEvent('click');
      await page.getByRole('combobox', { name: '服务范围' }).click();
      await page.locator('.ant-select-tree-treenode .ant-select-tree-title').first().dispatchEvent('click');
      await page.getByRole('button', { name: '提交服务认捐' }).click();
      await page.getByText('服务认捐已登记').waitFor();

      await page.goto('/giving/mine');
      await page.getByRole('heading', { name: '我的认捐' }).waitFor();
      await page.getByText(/棉被 × 3/).first().waitFor();
      await page.getByRole('tab', { name: /服务认捐/ }).click();
      await page.getByText('陪同就医').first().waitFor();
      await top('donor-05-my-pledges');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
