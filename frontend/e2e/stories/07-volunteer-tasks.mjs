import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login, PHONE } from '../lib/browser.mjs';
import { gql } from '../lib/gql.mjs';

export const title = 'volunteer (phone): tasks near me, claim and withdraw, the check-in page';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

export function story(env) {
  test('a volunteer claims a task near them, sees it under my tasks, withdraws; a bad check-in code is refused at the field', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl, { device: PHONE });
    try {
      await login(page, 'vol1@huzhu.demo', env.demoPassword);
      await page.goto('/tasks');
      await page.getByRole('heading', { name: '附近任务' }).waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="task-card"], .ant-empty'));
      await env.shot(page, 'vol-tasks-01-near-me');
      // exactly 报名: /报\s*名/ also matched 取消报名 on a task this volunteer had claimed already, and the story
      // then withdrew that claim instead of making one
      const claimButton = { name: /^报\s*名$/ };
      const claimable = page.locator('[data-testid="task-card"]').filter({ has: page.getByRole('button', claimButton) }).first();
      await claimable.waitFor();
      const taskId = await claimable.getAttribute('data-task-id');
      const card = page.locator(`[data-task-id="${taskId}"]`);
      await card.getByRole('button', claimButton).click();
      await card.getByText('已报名').waitFor({ timeout: 15_000 });
      await env.shot(page, 'vol-tasks-02-claimed');

      await page.goto('/tasks/mine');
      const mine = page.locator(`[data-task-id="${taskId}"]`);
      await mine.waitFor();
      await mine.getByRole('button', { name: /取消报名/ }).click();
      await mine.waitFor({ state: 'detached', timeout: 15_000 }).catch(async () => {
        // a withdrawn claim may stay listed without the claimed tag
        assert.equal(await mine.getByText('已报名').count(), 0);
      });
      await env.shot(page, 'vol-tasks-03-withdrawn');

      await page.goto('/scan?token=not-a-real-code');
      await page.getByRole('heading', { name: '扫码签到 / 签退' }).waitFor();
      assert.equal(await page.getByLabel('签到码').inputValue(), 'not-a-real-code');
      await page.getByRole('button', { name: /签\s*到/ }).first().click();
      await page.locator('.ant-form-item-explain-error, .ant-alert-error').first().waitFor();
      await env.shot(page, 'vol-tasks-04-scan-refused');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });

  test('a social worker opens a task they lead: the check-in QR code, attendance, and hour confirmation answers', async () => {
    let done = false;
    for (let n = 1; n <= 6 && !done; n += 1) {
      const { context, page, problems } = await newPerson(env.browser, env.baseUrl, { device: PHONE });
      try {
        await login(page, `sw${n}@huzhu.demo`, env.demoPassword);
        const { myTasks } = await gql(page, '{ myTasks { id isLead status } }');
        const led = myTasks.find((t) => t.isLead && ['open', 'full', 'in_progress'].includes(t.status));
        if (!led) continue;
        await page.goto('/tasks/mine');
        await page.getByRole('heading', { name: '我的任务' }).waitFor();
        await page.locator(`[data-task-id="${led.id}"]`).getByRole('button', { name: '签到与出勤' }).click();
        await page.waitForURL('**/manage');
        const qr = page.getByRole('img', { name: '签到二维码' });
        await qr.waitFor();
        assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml/);
        await page.getByText(/每 60 秒自动更新/).waitFor();
        await env.shot(page, 'sw-tasks-01-qr');
        await page.getByRole('button', { name: '确认时长' }).click();
        await page.locator('#hours-confirm .ant-alert').first().waitFor();
        await page.evaluate(() => window.scrollTo(0, 0)); // a full-page shot of a scrolled page repeats the sticky header mid-page
        await env.shot(page, 'sw-tasks-02-confirm-answer');
        assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
        done = true;
      } finally {
        await context.close();
      }
    }
    assert.ok(done, 'a demo social worker leads an open task');
  });
}
