import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';

export const title = 'applying organisation: a draft application, a typed budget error fixed, submitted (the reviewer sees it); spending on a running project';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

const day = (offset) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** An antd select's option, chosen by its DOM click event (the drop-down's motion never settles on a loaded machine). */
async function pick(page, field, option) {
  await page.locator(field).click();
  const item = page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) ${option}`).first();
  await item.waitFor();
  await item.dispatchEvent('click');
}

async function typeDate(page, input, value) {
  await page.locator(input).click();
  await page.locator(input).fill(value);
  await page.keyboard.press('Enter');
}

export function story(env) {
  test('an organisation member drafts an application, fixes the typed budget error, submits it; a reviewer sees it to review', async () => {
    // sw1 manages 江川街道阳光社工服务中心 in the demo (the project_applicant login)
    const name = `社区助浴服务 ${Date.now() % 100000}`;
    const applicant = await newPerson(env.browser, env.baseUrl);
    try {
      const { page } = applicant;
      await login(page, 'sw1@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '我的项目' }).first().click();
      await page.waitForURL('**/org/projects');
      await page.getByRole('heading', { name: '我的项目' }).waitFor();
      await page.getByTestId('my-project-link').first().waitFor();
      await env.shot(page, 'applicant-01-my-projects');

      await page.getByRole('button', { name: /新建申报/ }).click();
      await page.waitForURL('**/org/projects/new');
      await page.getByRole('heading', { name: '新建项目申报' }).waitFor();
      await page.locator('#application_organisationId').locator('xpath=ancestor::div[contains(@class,"ant-select")][1]')
        .getByText('江川街道阳光社工服务中心').waitFor();
      await page.locator('#application_name').fill(name);
      await pick(page, '#application_category', '.ant-select-item-option[title="为老"]');
      await page.locator('#application_goals').fill('为江川路街道 20 位独居老人每月提供两次上门助浴。');
      await pick(page, '#application_beneficiaryGroups', '.ant-select-item-option[title="独居老人"]');
      await page.keyboard.press('Escape');
      await page.locator('#application_beneficiaryCount').fill('20');
      await pick(page, '#application_regionId', '.ant-select-tree-node-content-wrapper');
      const period = page.locator('.ant-picker-range', { has: page.locator('#application_period') }).locator('input');
      await typeDate(page, '#application_period', day(7));
      await period.nth(1).click();
      await period.nth(1).fill(day(307));
      await page.keyboard.press('Enter');
      assert.equal(await period.nth(1).inputValue(), day(307));
      await page.locator('#application_budgetLines_0_name').fill('助浴用品与上门交通');
      await page.locator('#application_budgetLines_0_amount').fill('8000');
      await page.locator('#application_milestones_0_title').fill('首批助浴');
      await typeDate(page, '#application_milestones_0_dueOn', day(67));
      // the grant asked for (¥9,000) is more than the whole budget (¥8,000): the server refuses it at the milestones
      await page.locator('#application_milestones_0_tranche').fill('9000');
      await page.getByRole('button', { name: /保存草稿/ }).click();
      const listError = page.getByTestId('milestones').getByTestId('list-error');
      await page.locator('[data-testid="list-error"]').first().waitFor({ timeout: 15_000 }).catch(async (e) => {
        await env.shot(page, 'applicant-02-failed');
        throw e;
      });
      await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page repeats the sticky header
      await env.shot(page, 'applicant-02-budget-error');
      // the server's typed error, under the milestones
      await listError.waitFor();
      assert.match(await listError.innerText(), /预算总额/);
      assert.ok(page.url().endsWith('/org/projects/new'), 'nothing saved');

      await page.locator('#application_budgetLines_0_amount').fill('10000');
      await page.getByRole('button', { name: /保存草稿/ }).click();
      await page.waitForURL(/\/org\/projects\/(?!new)[^/]+$/, { timeout: 15_000 });
      await page.getByRole('heading', { name }).waitFor();
      assert.equal(await page.getByTestId('project-status').innerText(), '草稿');
      await env.shot(page, 'applicant-03-draft');

      await page.getByRole('button', { name: /提交评审/ }).click();
      await page.locator('.ant-popconfirm-buttons').getByRole('button', { name: /提\s*交/ }).click();
      await page.getByTestId('project-status').getByText('已提交').waitFor({ timeout: 15_000 });
      await env.shot(page, 'applicant-04-submitted');

      // a running project of the same organisation: the foundation's review of a report, and spending in yuan
      await page.getByRole('menuitem', { name: '我的项目' }).first().click();
      await page.getByRole('link', { name: '独居老人爱心午餐' }).click();
      await page.getByRole('heading', { name: '独居老人爱心午餐' }).waitFor();
      await page.getByTestId('report-review').first().getByText('基金会已通过该报告').waitFor();
      const spending = page.locator('form#spending');
      await spending.getByLabel('金额（元）').fill('-5');
      await spending.getByRole('button', { name: /记\s*录/ }).click();
      await spending.locator('.ant-form-item-explain-error').getByText('数值超出允许范围').waitFor({ timeout: 15_000 });
      await spending.getByLabel('金额（元）').fill('12.50');
      const memo = `助餐保温箱 ${Date.now() % 100000}`; // unique: a rerun against the same server records another
      await spending.getByLabel('说明').fill(memo);
      await spending.getByRole('button', { name: /记\s*录/ }).click();
      await page.getByTestId('spending').filter({ hasText: memo }).getByText('¥12.50').waitFor({ timeout: 15_000 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await env.shot(page, 'applicant-06-running-project');
      assert.deepEqual(quiet(applicant.problems), []);
    } finally {
      await applicant.context.close();
    }

    const reviewer = await newPerson(env.browser, env.baseUrl);
    try {
      const { page } = reviewer;
      await login(page, 'reviewer1@huzhu.demo', env.demoPassword);
      await page.goto('/foundation/projects');
      await page.getByRole('heading', { name: '慈善项目' }).waitFor();
      await page.getByLabel('搜索项目名称').fill(name);
      await page.getByLabel('搜索项目名称').press('Enter');
      const link = page.getByRole('link', { name });
      await link.waitFor({ timeout: 15_000 });
      const row = page.locator('tr', { has: link });
      await row.getByText('已提交').waitFor();
      await row.getByText('江川街道阳光社工服务中心').waitFor();
      await page.waitForFunction(() => !document.querySelector('.ant-spin-blur, .ant-spin-spinning'));
      await page.waitForTimeout(300); // the table's fade back in after loading
      await env.shot(page, 'applicant-05-reviewer-queue');
      assert.deepEqual(quiet(reviewer.problems), []);
    } finally {
      await reviewer.context.close();
    }
  });
}
