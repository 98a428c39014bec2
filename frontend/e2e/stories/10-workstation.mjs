import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';
import { gql } from '../lib/gql.mjs';

export const title = 'workstation staff: goods stock (receive → stock goes up), offline gift with a typed amount error, visit-rate dashboard';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

const QUILT = 'clothes_bedding/quilt';

async function onHand(page) {
  const cell = page.getByTestId(`on-hand-${QUILT}`);
  if ((await cell.count()) === 0) return 0;
  return Number((await cell.innerText()).match(/\d+/)[0]);
}

export function story(env) {
  test('staff receive goods into stock, record an offline gift, and open the visit-rate dashboard', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);

      // 1. the workstation's stock
      await page.getByRole('menuitem', { name: '物资库存' }).first().click();
      await page.waitForURL('**/workstation/stock');
      await page.getByRole('heading', { name: '物资库存' }).waitFor();
      await page.getByText('库存实时更新').waitFor();
      // the stock table has answered (rows or its empty state)
      await page.waitForFunction(() => document.querySelector('[data-testid="stock-table"] .ant-table-row, [data-testid="stock-table"] .ant-empty'));
      const before = await onHand(page);
      await env.shot(page, 'ws-01-stock');

      // 2. a walk-in gift of 7 quilts
      await page.getByRole('button', { name: /接收物资/ }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('成色').waitFor();
      await page.waitForTimeout(600); // the modal's opening animation
      const item = dialog.getByRole('combobox', { name: '物品' });
      await item.focus();
      await item.pressSequentially('棉被'); // typing searches and opens the list
      const quilt = page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: '棉被' }).first();
      try {
        await quilt.waitFor({ timeout: 20_000 });
      } catch (err) {
        await env.shot(page, 'ws-02-receive-form-no-options');
        const direct = await gql(page, '{ goodsTaxonomy { key name } }').catch((e) => String(e));
        throw new Error(`no quilt among the items (the server says: ${JSON.stringify(direct).slice(0, 300)}): ${err}`);
      }
      await quilt.click();
      await dialog.locator('.ant-select-selection-item', { hasText: '棉被' }).waitFor();
      await dialog.getByLabel('数量').fill('7');
      await dialog.getByLabel('捐赠人姓名').fill('e2e 居民');
      await env.shot(page, 'ws-02-receive-form');
      await dialog.getByRole('button', { name: /接收物资/ }).click();
      await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
      await page.waitForFunction(
        ([key, want]) => Number(document.querySelector(`[data-testid="on-hand-${key}"]`)?.textContent?.match(/\d+/)?.[0] ?? 0) === want,
        [QUILT, before + 7],
        { timeout: 20_000 },
      );
      assert.equal(await onHand(page), before + 7, 'the stock went up by the quantity received');
      await page.getByRole('tab', { name: '库存流水' }).click();
      await page.getByRole('tabpanel').getByText('入库').first().waitFor();
      await env.shot(page, 'ws-03-stock-up');

      // 3. an offline gift: a bad amount first (the server's typed error, next to the field), then a good one
      await page.getByRole('menuitem', { name: '线下捐赠登记' }).first().click();
      await page.waitForURL('**/workstation/donations');
      await page.getByRole('heading', { name: '线下捐赠登记' }).waitFor();
      await page.getByLabel('金额', { exact: true }).fill('0');
      await page.getByLabel('捐赠人', { exact: true }).fill('e2e 张三');
      await page.getByRole('button', { name: /登记捐赠/ }).click();
      const amountItem = page.locator('.ant-form-item', { has: page.getByLabel('金额', { exact: true }) });
      const fieldError = amountItem.locator('.ant-form-item-explain-error');
      await fieldError.first().waitFor({ timeout: 20_000 });
      const message = await fieldError.first().innerText();
      assert.ok(message.length > 0 && !message.includes('请输入金额'), `a typed server error next to the amount: ${message}`);
      await env.shot(page, 'ws-04-offline-bad-amount');

      await page.getByLabel('金额', { exact: true }).fill('88.8');
      await page.getByRole('button', { name: /登记捐赠/ }).click();
      await page.getByText(/已登记 ¥88\.80/).waitFor({ timeout: 20_000 });
      const row = page.getByTestId('recorded-donations').locator('.ant-table-row', { hasText: 'e2e 张三' }).first();
      await row.waitFor({ timeout: 20_000 });
      assert.match(await row.innerText(), /¥88\.80/);
      assert.match(await row.innerText(), /现金/);
      await env.shot(page, 'ws-05-offline-recorded');

      // 4. the visit-rate dashboard: figures and an ECharts chart
      await page.getByRole('menuitem', { name: '探访率看板' }).first().click();
      await page.waitForURL('**/workstation/visits/dashboard');
      await page.getByRole('heading', { name: '探访率看板' }).waitFor();
      try {
        await page.locator('[data-testid="visit-rate-chart"] svg path').first().waitFor({ state: 'attached', timeout: 30_000 });
      } catch (err) {
        await env.shot(page, 'ws-06-visit-rate-no-chart');
        const text = await page.locator('main').innerText().catch(() => '');
        throw new Error(`no chart (the page says: ${text.slice(0, 400)}): ${err}`);
      }
      assert.ok((await page.locator('.ant-table-row').count()) > 0, 'one row per community');
      await page.waitForTimeout(800); // the bars' entry animation
      await env.shot(page, 'ws-06-visit-rate');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
