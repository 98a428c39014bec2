import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';
import { gql } from '../lib/gql.mjs';

export const title = 'live matching: stock received and a need registered → the proposal appears on the open console';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

export function story(env) {
  test('staff see a new proposal arrive live on the match console without reload, accept it and dispatch it', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);
      await page.getByRole('menuitem', { name: '匹配审核' }).first().click();
      await page.waitForURL('**/workstation/matches');
      await page.getByRole('heading', { name: '匹配审核' }).waitFor();
      await page.getByText('实时').first().waitFor();
      // the whole queue on one page (the new need may rank anywhere in it)
      await page.locator('.ant-select', { hasText: '每页 20 条' }).click();
      await page.locator('.ant-select-item-option', { hasText: '100' }).click();
      await page.getByText(/共 \d+ 条 · 1 \/ \d+/).waitFor();
      // wait for the first answer (list or empty state), then remember what was there
      await page.waitForFunction(() => document.querySelector('[data-testid="match-proposal"], .ant-empty'));
      const before = await page.locator('[data-testid="match-proposal"]').evaluateAll((els) => els.map((e) => e.dataset.proposalId));
      await env.shot(page, 'match-01-console');
      await page.evaluate(() => {
        window.__noReload = 'still here';
      });

      // the street's workstation receives quilts, then staff register an urgent goods need for a household
      const { workstations } = await gql(page, '{ workstations { id name region { name } } }');
      const ws = workstations.find((w) => w.region.name.includes('江川')) ?? workstations[0];
      assert.ok(ws, 'a workstation is visible to the staff');
      const received = await gql(
        page,
        `mutation R($ws: ID!, $key: String!) { goodsReceive(workstationId: $ws, itemKey: $key, quantity: 30, condition: new, donorName: "e2e", idempotencyKey: $key) { errors { field code message } } }`,
        { ws: ws.id, key: 'clothes_bedding/quilt' },
      );
      assert.deepEqual(received.goodsReceive.errors, []);
      const { households } = await gql(page, '{ households(first: 1) { edges { node { id } } } }');
      const householdId = households.edges[0].node.id;
      const created = await gql(
        page,
        `mutation N($h: ID!) { needCreate(householdId: $h, kind: goods, goodsCategory: clothing, goodsItem: "棉被", quantity: 1, urgent: true, description: "e2e 实时匹配") { need { id status } errors { field code message } } }`,
        { h: householdId },
      );
      assert.deepEqual(created.needCreate.errors, []);

      const needId = created.needCreate.need.id;

      // the need's proposal appears on the open console, pushed over the websocket (no reload)
      const card = page.locator(`[data-testid="match-proposal"][data-need-id="${needId}"]`);
      await card.waitFor({ timeout: 20_000 });
      assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'the page was not reloaded');
      await page.getByText(/新推荐 \d+ 条/).waitFor();
      const id = await card.getAttribute('data-proposal-id');
      assert.ok(!before.includes(id), 'a proposal that was not there before');
      await card.getByText(/救急难 \+\d+/).first().waitFor(); // the explanation with its components
      await env.shot(page, 'match-02-live-proposal');

      await card.getByRole('button', { name: /接\s*受/ }).click();
      await page.getByText('已接受').first().waitFor();
      // the accepted one leaves the "proposed" view; find it under 已接受 and dispatch it
      await page.locator(`[data-proposal-id="${id}"]`).waitFor({ state: 'detached' });
      await page.getByRole('radio', { name: '已接受' }).check({ force: true }).catch(() => page.getByText('已接受', { exact: true }).last().click());
      const accepted = page.locator(`[data-proposal-id="${id}"]`);
      await accepted.waitFor();
      await env.shot(page, 'match-03-accepted');
      await accepted.getByRole('button', { name: /发\s*放/ }).click();
      await accepted.waitFor({ state: 'detached' });
      await env.shot(page, 'match-04-dispatched');

      // a matching round over the street shows its figures
      await page.getByRole('button', { name: /运行一轮匹配/ }).click();
      await page.getByText('本轮匹配完成').waitFor({ timeout: 30_000 });
      await page.getByTestId('round-figures').getByText('可行配对').waitFor();
      await env.shot(page, 'match-05-round');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
