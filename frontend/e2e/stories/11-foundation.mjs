import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';

export const title = 'foundation reviewer: projects, a milestone report approved and its tranche released, fund matches, monitoring';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

export function story(env) {
  test('a foundation reviewer approves a milestone report, releases its tranche, sees fund matches and the dashboard', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'reviewer1@huzhu.demo', env.demoPassword);

      // 1. the projects of the foundation's area
      await page.getByRole('menuitem', { name: '慈善项目' }).first().click();
      await page.waitForURL('**/foundation/projects');
      await page.getByRole('heading', { name: '慈善项目' }).waitFor();
      const links = page.getByTestId('project-link');
      await links.first().waitFor();
      assert.ok((await links.count()) >= 5, 'the demo projects are listed');
      await page.getByText(/共 \d+ 条/).waitFor();
      await env.shot(page, 'foundation-01-projects');

      // filter by status: only projects under review
      const statusSelect = page.locator('.ant-select', { has: page.getByRole('combobox', { name: '项目状态' }) });
      await statusSelect.click();
      await page.locator('.ant-select-item-option', { hasText: '评审中' }).click();
      await page.getByText('社区应急救助包').waitFor();
      await page.getByText('困境儿童课后成长营').waitFor({ state: 'detached' });
      await statusSelect.click();
      await page.locator('.ant-select-item-option', { hasText: '全部' }).click();

      // 2. a running project whose first milestone report waits for review
      await page.getByRole('link', { name: '困境儿童课后成长营' }).click();
      await page.waitForURL('**/foundation/projects/*');
      await page.getByRole('heading', { name: '困境儿童课后成长营' }).waitFor();
      await page.getByText('辅导老师课时费').waitFor();
      await env.shot(page, 'foundation-02-project');

      await page.getByRole('tab', { name: '评审' }).click();
      await page.getByTestId('review').first().waitFor();
      await env.shot(page, 'foundation-03-reviews');

      // 3. approve the report …
      await page.getByRole('tab', { name: '里程碑报告' }).click();
      const report = page.locator('[data-testid="report"][data-status="submitted"]').first();
      await report.waitFor();
      await report.getByLabel('审核意见').fill('材料齐全，同意拨付');
      await report.getByRole('button', { name: /通\s*过/ }).click();
      await page.getByText('报告已通过').first().waitFor();
      await page.locator('[data-testid="report"][data-status="approved"]').first().waitFor();
      await env.shot(page, 'foundation-04-report-approved');

      // 4. … then release its tranche
      await page.getByRole('tab', { name: '资助与拨付' }).click();
      const tranche = page.locator('[data-testid="tranche"][data-status="committed"]').first();
      await tranche.waitFor();
      const release = tranche.getByRole('button', { name: /拨\s*付/ });
      assert.equal(await release.isEnabled(), true, 'the tranche of an approved report may be released');
      await release.click();
      await page.locator('.ant-popconfirm-buttons').getByRole('button', { name: /拨\s*付/ }).click();
      await page.getByText(/已拨付 ¥[\d,]+\.\d\d/).first().waitFor({ timeout: 20_000 });
      await page.locator('[data-testid="tranche"][data-status="released"]').first().waitFor();
      await env.shot(page, 'foundation-05-tranche-released');

      // 5. fund matches, with their explanation
      await page.getByRole('menuitem', { name: '项目资金匹配' }).first().click();
      await page.waitForURL('**/foundation/matches');
      await page.getByRole('heading', { name: '项目资金匹配' }).waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="fund-proposal"], .ant-empty'));
      const proposals = page.getByTestId('fund-proposal');
      if ((await proposals.count()) > 0) await proposals.first().getByText(/缺口覆盖 \+\d+/).waitFor();
      await env.shot(page, 'foundation-06-fund-matches');
      if ((await proposals.count()) > 0) {
        const first = proposals.first();
        const id = await first.getAttribute('data-proposal-id');
        await first.getByRole('button', { name: /接\s*受/ }).click();
        await page.getByText(/已接受：/).first().waitFor({ timeout: 20_000 });
        await page.locator(`[data-proposal-id="${id}"]`).waitFor({ state: 'detached' });
        await env.shot(page, 'foundation-07-fund-accepted');
      }

      // 6. the monitoring dashboard of a project, in ECharts
      await page.getByRole('menuitem', { name: '项目监测' }).first().click();
      await page.waitForURL('**/foundation/monitoring**');
      await page.getByRole('heading', { name: '项目监测看板' }).waitFor();
      await page.locator('[data-testid="budget-chart"] svg').first().waitFor();
      await page.locator('[data-testid="funding-chart"] svg').first().waitFor();
      await page.getByText('服务户数').first().waitFor();
      await page.waitForTimeout(800); // the charts' entry animation
      await env.shot(page, 'foundation-08-monitoring');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
