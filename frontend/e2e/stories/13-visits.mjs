import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';
import { gql } from '../lib/gql.mjs';

export const title = 'social worker: a household’s whole visit history, page by page, and 我的走访记录 with a date filter';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

async function pickRange(page, from, to) {
  const range = page.locator('.ant-picker-range').first();
  await range.locator('input').nth(0).click();
  await range.locator('input').nth(0).fill(from);
  await page.keyboard.press('Enter');
  await range.locator('input').nth(1).fill(to);
  await page.keyboard.press('Enter');
  await page.locator('h1, h2').first().click(); // closes the picker's panel
}

export function story(env) {
  test('a social worker records a visit, pages through the household’s history, and finds it among their own records', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    const stamp = Date.now().toString(36);
    try {
      await login(page, 'sw1@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '困难家庭' }).first().click();
      await page.waitForURL('**/workstation/households');
      await page.locator('.ant-table-row').first().locator('a').first().click();
      await page.waitForURL(/\/workstation\/households\/[^/]+$/);
      const householdId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
      const card = page.locator('.ant-card', { has: page.getByRole('heading', { name: '探访记录' }) });
      await card.waitFor();
      // the history has answered: rows, or its empty state
      await card.locator('.ant-table-row, .ant-empty').first().waitFor();

      // 1. record a visit through the form: it comes first, marked as mine
      await page.getByRole('button', { name: '记录探访' }).click();
      const dialog = page.getByRole('dialog', { name: '记录探访' });
      await dialog.waitFor();
      await dialog.getByLabel('探访情况').fill(`e2e ${stamp}：老人精神好，血压正常`);
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      const firstRow = card.locator('.ant-table-row').first();
      await firstRow.getByText(`e2e ${stamp}：老人精神好，血压正常`).waitFor({ timeout: 20_000 });
      assert.match(await firstRow.innerText(), /（我）|\(我\)/);

      // 2. more visits than one page holds (11 more, a day apart): the pager walks the whole history
      for (let d = 1; d <= 11; d += 1) {
        const at = new Date(Date.now() - d * 86_400_000).toISOString();
        const { visitRecord } = await gql(
          page,
          'mutation($h: ID!, $at: DateTime!, $n: String) { visitRecord(householdId: $h, visitedAt: $at, notes: $n) { errors { code } } }',
          { h: householdId, at, n: `e2e ${stamp} 第${d}天前` },
        );
        assert.deepEqual(visitRecord.errors, []);
      }
      await page.reload();
      await card.locator('.ant-table-row').first().waitFor();
      const total = Number((await card.getByText(/共 \d+ 条/).innerText()).match(/共 (\d+) 条/)[1]);
      assert.ok(total >= 12, `at least the 12 visits of this story (${total})`);
      assert.equal(await card.locator('.ant-table-row').count(), 10);
      await card.scrollIntoViewIfNeeded();
      await env.shot(page, 'visits-01-household-history', { fullPage: false });
      const top = await card.locator('.ant-table-row').first().innerText();
      await card.getByRole('button', { name: '下一页' }).click();
      await card.getByText(/ · 2 \/ \d+/).waitFor();
      await page.waitForFunction(
        (prev) => [...document.querySelectorAll('.ant-card')].some((c) => c.textContent.includes('探访记录') && c.querySelector('.ant-table-row')?.textContent !== prev),
        top,
      );
      await card.getByText(`e2e ${stamp} 第10天前`).waitFor();
      await env.shot(page, 'visits-02-household-history-page-2', { fullPage: false });

      // 3. a day range nobody visited in: the empty state
      await pickRange(page, '2020-01-01', '2020-01-31');
      await card.getByText('所选条件下没有探访记录').waitFor();
      await card.scrollIntoViewIfNeeded();
      await env.shot(page, 'visits-03-household-history-empty', { fullPage: false });

      // 4. 我的走访记录: the visit recorded above, first; a date filter narrows to its day
      await page.getByRole('menuitem', { name: '我的走访记录' }).first().click();
      await page.waitForURL('**/visits/mine');
      await page.getByRole('heading', { name: '我的走访记录' }).waitFor();
      await page.locator('.ant-table-row').first().getByText(`e2e ${stamp}：老人精神好，血压正常`).waitFor();
      await env.shot(page, 'visits-04-mine');
      const day = (d) => {
        const t = new Date(Date.now() - d * 86_400_000 + 8 * 3_600_000); // the day in Asia/Shanghai
        return t.toISOString().slice(0, 10);
      };
      await pickRange(page, day(3), day(3));
      // the filtered page has arrived when every row is of that day (and this story's visit among them)
      await page.waitForFunction(
        (d) => {
          const rows = [...document.querySelectorAll('.ant-table-row')];
          return rows.length > 0 && rows.every((r) => r.textContent.includes(d));
        },
        day(3),
        { timeout: 20_000 },
      );
      await page.locator('.ant-table-row', { hasText: `e2e ${stamp} 第3天前` }).waitFor();
      // the count and the pager agree with the server's answer for that day
      const direct = await gql(
        page,
        'query($f: Date, $t: Date) { myVisits(first: 20, visitedFrom: $f, visitedTo: $t) { totalCount pageInfo { hasNextPage } } }',
        { f: day(3), t: day(3) },
      );
      await page.getByText(`共 ${direct.myVisits.totalCount} 条`, { exact: false }).waitFor();
      await page.waitForFunction(
        (hasNext) => document.querySelector('button[aria-label="下一页"]')?.disabled === !hasNext,
        direct.myVisits.pageInfo.hasNextPage,
      );
      await env.shot(page, 'visits-05-mine-filtered');
      // the household's link goes back to its page
      await page.locator('.ant-table-row', { hasText: `e2e ${stamp} 第3天前` }).getByRole('link').click();
      await page.waitForURL(/\/workstation\/households\/[^/]+$/);
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
