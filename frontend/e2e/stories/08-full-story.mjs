// Issue #9's main story, end to end in Chromium: a household's need is registered by staff, a donor gives goods,
// the match is proposed and appears live on the staff's open console, staff accept it; then a service need of
// the same household becomes a task led by a social worker, a volunteer (phone) claims it, checks in and out
// with the lead's real rotating QR token, the lead confirms the hours, and the volunteer's open time-bank page
// shows the new balance live. Four people, four browser contexts, one server.
import { test, before, after } from 'node:test';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { newPerson, login, PHONE } from '../lib/browser.mjs';
import { gql } from '../lib/gql.mjs';
import { residentIdNumber } from '../lib/idnumber.mjs';

export const title = 'the whole chain: need → donor’s goods → live match → accept; service task → claim → QR check-in/out → hours → live balance';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// stock categories → the household's coarser need categories and their labels in the need form (zh)
const NEED_CATEGORY = {
  appliances: ['appliance', '家电'],
  assistive_devices: ['mobility_aid', '助行辅具'],
  stationery: ['school_supplies', '学习用品'],
};

/** Checks the page was not reloaded since mark() (a reload clears window state). */
async function mark(page) {
  await page.evaluate(() => {
    window.__noReload = 'still here';
  });
}
async function notReloaded(page, what) {
  assert.equal(await page.evaluate(() => window.__noReload), 'still here', `${what}: the page was not reloaded`);
}

export function story(env) {
  // shared along the chain (the tests run in order and each needs the one before)
  const s = {};
  // test-output/ is emptied by any story run that starts meanwhile: keep a copy of this story's screenshots
  const keep = process.env.E2E_KEEP_SHOTS;
  const shot = async (page, name, opts) => {
    const file = await env.shot(page, name, opts);
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(file, path.join(keep, path.basename(file)));
    }
    return file;
  };
  let staff;
  let started;

  before(async () => {
    started = Date.now();
    staff = await newPerson(env.browser, env.baseUrl);
    await login(staff.page, 'staff.jiangchuan@huzhu.demo', env.demoPassword);
  });
  after(async () => {
    await staff?.context.close();
    console.log(`# 08-full-story: ${((Date.now() - started) / 1000).toFixed(1)} s in the browser`);
  });

  test('staff register a household and its goods need (an item no workstation of the street has)', async () => {
    const { page } = staff;
    // which item the street's workstation has none of: the donor's gift will be the only supply
    const { workstations } = await gql(page, '{ workstations { id name region { name } } }');
    const ws = workstations.find((w) => w.region.name.includes('江川'));
    assert.ok(ws, 'the 江川路街道 workstation is visible to its staff');
    const { stock, goodsTaxonomy } = await gql(
      page,
      'query S($ws: ID!) { stock(workstationId: $ws) { itemKey available } goodsTaxonomy { key name unit } }',
      { ws: ws.id },
    );
    const inStock = new Set(stock.filter((l) => l.available > 0).map((l) => l.itemKey));
    const item = goodsTaxonomy
      .map((i) => ({ ...i, category: i.key.split('/')[0] })) // the key is "<stock category>/<item>"
      .find((i) => NEED_CATEGORY[i.category] && !inStock.has(i.key) && !i.name.includes('('));
    assert.ok(item, 'an item the workstation has none of');
    Object.assign(s, { ws, item });

    // a new household (so that no earlier help this month counts against it)
    await page.goto('/workstation/households/new');
    const form = page.locator('form#household-register');
    await form.waitFor();
    await form.getByLabel('社区').click();
    // the region tree comes from a query: let it arrive before typing into its search (a loaded machine)
    await page.locator('.ant-select-tree-title').first().waitFor({ timeout: 60_000 });
    await form.getByLabel('社区').fill('红旗');
    await page.locator('.ant-select-tree-title', { hasText: /^红旗社区$/ }).click({ timeout: 60_000 });
    await form.getByLabel('救助类别').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '特困' }).click();
    await form.getByLabel('户主姓名').fill('全流程户主');
    await form.getByLabel('身份证号').fill(residentIdNumber('310112', '19400605'));
    await form.getByLabel('住址').fill('江川路 9 号 303 室');
    await form.getByRole('button', { name: /登记家庭/ }).click();
    await page.waitForURL(/\/workstation\/households\/(?!new)[^/]+$/);
    s.householdId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
    await page.getByText('家庭成员').first().waitFor();

    // the need, through the household page's "new need" form
    const [needCategory, categoryLabel] = NEED_CATEGORY[s.item.category];
    await page.getByRole('button', { name: '新增需求' }).click();
    const dialog = page.getByRole('dialog', { name: '新增需求' });
    await dialog.waitFor();
    await dialog.getByLabel('物资类别').click();
    await page.locator('.ant-select-item-option').filter({ hasText: new RegExp(`^${categoryLabel}$`) }).click();
    await dialog.getByLabel('物品').fill(s.item.name);
    await dialog.getByLabel('数量').fill('2');
    await dialog.getByLabel('救急难').click();
    await dialog.getByLabel('说明').fill('全流程：冬季急需');
    await shot(page, 'full-01-need-form', { fullPage: false });
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('需求已登记').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.locator('.ant-table-row', { hasText: s.item.name });
    await row.waitFor();
    await shot(page, 'full-02-need-registered');

    const { household } = await gql(page, 'query H($id: ID!) { household(id: $id) { needs { id kind status goodsItem goodsCategory } } }', {
      id: s.householdId,
    });
    const need = household.needs.find((n) => n.kind === 'goods' && n.goodsItem === s.item.name);
    assert.ok(need, 'the need the form registered');
    assert.equal(need.goodsCategory, needCategory);
    s.goodsNeedId = need.id;
    // nothing in stock can meet it: online matching proposes nothing yet
    await sleep(1500);
    const again = await gql(page, 'query H($id: ID!) { household(id: $id) { needs { id status } } }', { id: s.householdId });
    assert.equal(again.household.needs.find((n) => n.id === s.goodsNeedId).status, 'open');
  });

  test('a donor gives the goods, staff take them in; the proposal appears live on the open console; staff accept', async () => {
    const { page, problems } = staff;
    // staff open the match console and keep it open
    await page.goto('/workstation/matches');
    await page.getByRole('heading', { name: '匹配审核' }).waitFor();
    await page.getByText('实时').first().waitFor();
    await page.locator('.ant-select', { hasText: '每页 20 条' }).click();
    await page.locator('.ant-select-item-option', { hasText: '100' }).click();
    await page.getByText(/共 \d+ 条 · 1 \/ \d+/).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="match-proposal"], .ant-empty'));
    assert.equal(await page.locator(`[data-testid="match-proposal"][data-need-id="${s.goodsNeedId}"]`).count(), 0);
    await mark(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'full-03-console-before', { fullPage: false }); // a hundred cards: the top is what matters

    // the donor, in their own browser, pledges the item on the give page for drop-off at the street's workstation
    const donor = await newPerson(env.browser, env.baseUrl);
    try {
      await login(donor.page, 'donor1@huzhu.demo', env.demoPassword);
      const dp = donor.page;
      await dp.goto('/giving/give');
      await dp.getByRole('heading', { name: '我要捐赠' }).waitFor();
      await dp.getByRole('tab', { name: '捐物' }).click();
      const goods = dp.locator('form#give-goods');
      await goods.waitFor();
      await goods.getByRole('combobox', { name: '物资' }).click();
      await dp.keyboard.type(s.item.name);
      // the search's answer is a path, "家用电器 / 取暖器（台）" (the unfiltered menus may still be there under it)
      const option = dp.locator('.ant-cascader-menu-item', { hasText: new RegExp(`/\\s*${s.item.name}`) }).first();
      await option.waitFor();
      // its list keeps moving on a busy machine (the click then waits for stability in vain): pick by keyboard
      await dp.keyboard.press('ArrowDown');
      await dp.keyboard.press('Enter');
      await goods.locator('.ant-select-selection-item, .ant-cascader-picker-label', { hasText: s.item.name }).first().waitFor();
      await goods.getByLabel('数量').fill('2');
      await goods.getByRole('combobox', { name: '送到哪个工作站' }).click();
      await dp.keyboard.type('江川');
      await dp.locator('.ant-select-item-option-active', { hasText: s.ws.name }).first().waitFor();
      await dp.keyboard.press('Enter'); // (by keyboard too: the list does not hold still for a click here)
      await goods.getByLabel('留言').fill('给需要的人');
      await shot(dp, 'full-04-donor-pledge-form');
      await goods.getByRole('button', { name: /提交物资认捐/ }).click();
      await dp.getByText('物资认捐已登记').waitFor({ timeout: 20_000 });
      await shot(dp, 'full-05-donor-pledged');
      assert.deepEqual(quiet(donor.problems), []);
    } finally {
      await donor.context.close();
    }

    // a second tab of the staff member: the stock screen, where the dropped-off pledge is taken in; the console
    // stays open in the first tab
    const stockPage = await staff.context.newPage();
    stockPage.on('pageerror', (err) => problems.push(`pageerror (stock): ${err.message}`));
    await stockPage.goto('/workstation/stock');
    await stockPage.getByRole('heading', { name: '物资库存' }).waitFor();
    await stockPage.getByRole('tab', { name: '认捐物资' }).click();
    const receiveButton = stockPage.getByRole('button', { name: `入库 ${s.item.name}` }).first();
    await receiveButton.waitFor({ timeout: 20_000 });
    await receiveButton.click();
    const receive = stockPage.getByRole('dialog');
    await receive.waitFor();
    assert.equal(await receive.getByLabel('数量').inputValue(), '2');
    await shot(stockPage, 'full-06-staff-receive', { fullPage: false });
    await receive.getByRole('button', { name: /接收物资/ }).click();
    await stockPage.getByText('物资已入库').waitFor();
    await stockPage.getByTestId(`on-hand-${s.item.key}`).waitFor({ timeout: 20_000 });
    await shot(stockPage, 'full-07-staff-stock');
    await stockPage.close();

    // the proposal for this very need arrives over the websocket
    const card = page.locator(`[data-testid="match-proposal"][data-need-id="${s.goodsNeedId}"]`);
    await card.waitFor({ timeout: 20_000 });
    await notReloaded(page, 'match console');
    await card.getByText(/救急难 \+\d+/).first().waitFor();
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'full-08-live-proposal', { fullPage: false });
    s.proposalId = await card.getAttribute('data-proposal-id');

    await card.getByRole('button', { name: /接\s*受/ }).click();
    await page.locator(`[data-proposal-id="${s.proposalId}"]`).waitFor({ state: 'detached' });
    await page
      .getByRole('radio', { name: '已接受' })
      .check({ force: true })
      .catch(() => page.getByText('已接受', { exact: true }).last().click());
    const accepted = page.locator(`[data-proposal-id="${s.proposalId}"]`);
    await accepted.waitFor();
    await accepted.scrollIntoViewIfNeeded();
    await shot(page, 'full-09-accepted', { fullPage: false });
    const after = await gql(page, 'query H($id: ID!) { household(id: $id) { needs { id status } } }', { id: s.householdId });
    assert.equal(after.household.needs.find((n) => n.id === s.goodsNeedId).status, 'matched');
    assert.deepEqual(quiet(problems), []);
  });

  test('the household’s service need becomes a task; a volunteer claims it live, checks in and out by the lead’s QR token; hours confirmed; the balance updates live', async () => {
    const { page } = staff;
    // staff register the service need on the household page
    await page.goto(`/workstation/households/${encodeURIComponent(s.householdId)}`);
    await page.getByRole('button', { name: '新增需求' }).click();
    const dialog = page.getByRole('dialog', { name: '新增需求' });
    await dialog.waitFor();
    await dialog.getByText('服务', { exact: true }).click();
    await dialog.getByLabel('服务类型').click();
    await page.locator('.ant-select-item-option').filter({ hasText: /^上门探访$/ }).click();
    await dialog.getByLabel('时长（分钟）').fill('30');
    await dialog.getByLabel('救急难').click();
    await dialog.getByLabel('说明').fill('全流程：独居老人，需要上门探访');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.ant-table-row', { hasText: '上门探访' }).waitFor();
    const { household } = await gql(page, 'query H($id: ID!) { household(id: $id) { needs { id kind status serviceType } } }', {
      id: s.householdId,
    });
    const need = household.needs.find((n) => n.kind === 'service');
    assert.ok(need, 'the service need the form registered');
    s.serviceNeedId = need.id;
    await page.locator('.ant-table-row', { hasText: '上门探访' }).waitFor();
    await shot(page, 'full-10-service-need');

    // the volunteer (phone) has "tasks near me" open, urgent ones only
    const vol = await newPerson(env.browser, env.baseUrl, { device: PHONE });
    const sw = await newPerson(env.browser, env.baseUrl);
    try {
      // (another 江川路 volunteer for a rerun against the same server, where vol1 may still hold an earlier task)
      await login(vol.page, process.env.E2E_FULL_VOLUNTEER ?? 'vol1@huzhu.demo', env.demoPassword);
      await vol.page.goto('/tasks');
      await vol.page.getByRole('heading', { name: '附近任务' }).waitFor();
      await vol.page.getByText('名额实时更新').waitFor();
      await vol.page.getByText('只看救急难').click();
      await vol.page.waitForFunction(() => document.querySelector('[data-testid="task-card"], .ant-empty'));
      await mark(vol.page);

      // the social worker of the street finds the need among the open needs (newest first) and publishes it as a
      // task they lead, starting within minutes
      await login(sw.page, 'sw1@huzhu.demo', env.demoPassword);
      await sw.page.goto('/needs');
      await sw.page.getByRole('heading', { name: '待对接需求' }).waitFor();
      await sw.page.getByText('只看急难').click();
      await sw.page.getByText('最新登记').click();
      // the open-needs list names the need by its anonymised id (PublicNeed:<pk>), the household page by Need:<pk>
      const needPk = Buffer.from(s.serviceNeedId, 'base64').toString().split(':')[1];
      const publicNeedId = Buffer.from(`PublicNeed:${needPk}`).toString('base64');
      const needCard = sw.page.locator(`[data-testid="need-card"][data-need-id="${publicNeedId}"]`);
      await needCard.waitFor({ timeout: 20_000 });
      await shot(sw.page, 'full-11a-sw-open-needs');
      await needCard.getByRole('button', { name: '发布为服务任务' }).click();
      await sw.page.waitForURL('**/tasks/new?needId=*');
      await sw.page.getByTestId('task-for-need').getByText(/上门探访/).waitFor();
      assert.equal(await sw.page.getByLabel('服务类型').count(), 0, 'the service comes from the need');
      await sw.page.getByLabel('任务名称').fill('全流程：上门探访独居老人');
      // the next whole 5 minutes at least 5 minutes away (the picker steps by 5 minutes); check-in opens an hour early
      const startsAt = new Date(Math.ceil((Date.now() + 5 * 60_000) / 300_000) * 300_000);
      const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
      // the picker's text is in the browser's time zone (Asia/Shanghai), not this process's
      const local = (d) =>
        sw.page.evaluate((ms) => {
          const t = new Date(ms);
          const pad = (n) => String(n).padStart(2, '0');
          return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
        }, d.getTime());
      const [startText, endText] = [await local(startsAt), await local(endsAt)];
      const range = sw.page.locator('.ant-picker-range');
      const panel = sw.page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)');
      // with a time part each end is confirmed with the panel's OK; the first moves on to the end field
      await range.locator('input').nth(0).click();
      await range.locator('input').nth(0).fill(startText);
      await panel.locator('.ant-picker-ok button').click();
      await range.locator('input').nth(1).fill(endText);
      await panel.locator('.ant-picker-ok button').click();
      await panel.waitFor({ state: 'hidden' });
      assert.equal(await range.locator('input').nth(0).inputValue(), startText);
      assert.equal(await range.locator('input').nth(1).inputValue(), endText);
      await sw.page.getByLabel('招募人数').fill('1');
      await sw.page.getByLabel('集合地点').fill('江川路 9 号');
      assert.equal(await sw.page.getByRole('switch', { name: '救急难' }).getAttribute('aria-checked'), 'true', 'an urgent need makes an urgent task');
      await shot(sw.page, 'full-11b-sw-task-form');
      await sw.page.getByRole('button', { name: /发\s*布/ }).click();
      await sw.page.waitForURL('**/tasks/*/manage');
      const taskId = decodeURIComponent(new URL(sw.page.url()).pathname.split('/')[2]);
      const { serviceTask: task } = await gql(sw.page, 'query T($id: ID!) { serviceTask(id: $id) { id status urgent title startsAt endsAt } }', { id: taskId });
      assert.equal(task.status, 'open');
      assert.equal(task.urgent, true);
      assert.equal(task.title, '全流程：上门探访独居老人');
      assert.equal(Date.parse(task.startsAt), startsAt.getTime(), 'the start the form was given');
      assert.equal(Date.parse(task.endsAt), endsAt.getTime());
      s.taskId = task.id;

      // the new task appears on the volunteer's open list without a reload; they claim it
      const card = vol.page.locator(`[data-testid="task-card"][data-task-id="${s.taskId}"]`);
      await card.waitFor({ timeout: 20_000 });
      await notReloaded(vol.page, 'tasks near me');
      await shot(vol.page, 'full-11-vol-task-appears');
      await card.getByRole('button', { name: /报\s*名/ }).click();
      await card.getByText('已报名').waitFor({ timeout: 15_000 });
      await shot(vol.page, 'full-12-vol-claimed');

      // the lead opens the task's check-in screen from "my tasks"; the QR token is the one the page fetched
      const tokens = [];
      sw.page.on('response', async (res) => {
        if (new URL(res.url()).pathname !== '/graphql') return; // queries go as GET, mutations as POST
        try {
          const body = await res.json();
          const qr = body?.data?.taskCheckinQr?.qr;
          if (qr) tokens.push({ token: qr.token, url: qr.url, at: Date.now() });
        } catch {
          /* not JSON */
        }
      });
      await sw.page.goto('/tasks/mine');
      await sw.page.getByRole('heading', { name: '我的任务' }).waitFor();
      await sw.page.locator(`[data-task-id="${s.taskId}"]`).getByRole('button', { name: '签到与出勤' }).click();
      await sw.page.waitForURL('**/manage');
      await sw.page.getByRole('img', { name: '签到二维码' }).waitFor();
      await sw.page.getByText('全流程：上门探访独居老人').first().waitFor();
      await mark(sw.page);
      // the code on screen is the token the page fetched (its first characters), and the QR encodes the scan
      // page's address with it
      const shownEnd = async () => (await sw.page.getByTestId('qr-token').innerText()).replace('…', '');
      const shown = await shownEnd();
      const first = await until(() => tokens.findLast((t) => t.token.endsWith(shown)), 'the QR token the page fetched');
      assert.match(first.url, /\/scan\?token=/);
      const scanPath = (url) => {
        const u = new URL(url);
        return `${u.pathname}${u.search}`;
      };
      await shot(sw.page, 'full-13-sw-qr');

      // the volunteer opens the scanned address and checks in
      await vol.page.goto(scanPath(first.url));
      await vol.page.getByRole('heading', { name: '扫码签到 / 签退' }).waitFor();
      assert.equal(await vol.page.getByLabel('签到码').inputValue(), first.token);
      await vol.page.getByRole('button', { name: /签\s*到/ }).first().click();
      await vol.page.getByRole('status').getByText(/已签到/).waitFor();
      const checkedInAt = Date.now();
      await shot(vol.page, 'full-14-vol-checked-in');

      // the lead's attendance table shows the arrival live
      const attendanceRow = sw.page.locator('[data-testid="attendance-row"]', { hasText: /\d{2}:\d{2}/ });
      await attendanceRow.first().waitFor({ timeout: 20_000 });
      await notReloaded(sw.page, 'task manage page');
      await sw.page.getByText(/· 进行中/).first().waitFor();
      await shot(sw.page, 'full-15-sw-checked-in');

      // a minute later (whole minutes are credited) the screen has a new code; the volunteer checks out with it
      const waitFor = 62_000 - (Date.now() - checkedInAt);
      if (waitFor > 0) await sleep(waitFor);
      await sw.page.waitForFunction((old) => {
        const el = document.querySelector('[data-testid="qr-token"]');
        return el && !el.textContent.endsWith(old);
      }, shown, { timeout: 30_000 });
      const shownNow = await shownEnd();
      const second = await until(() => tokens.findLast((t) => t.token.endsWith(shownNow)), 'the rotated QR token');
      assert.notEqual(second.token, first.token, 'the QR code rotated');
      await vol.page.goto(scanPath(second.url));
      await vol.page.getByRole('heading', { name: '扫码签到 / 签退' }).waitFor();
      await vol.page.getByRole('button', { name: /签\s*退/ }).click();
      const out = vol.page.getByRole('status').getByText(/已签退/);
      await out.waitFor();
      assert.match(await out.innerText(), /服务 1 分钟/);
      await shot(vol.page, 'full-16-vol-checked-out');

      // the volunteer keeps the time bank open while the lead confirms
      await vol.page.goto('/volunteer/timebank');
      await vol.page.getByRole('heading', { name: '我的时间银行' }).waitFor();
      const balance = vol.page.locator('.ant-statistic', { hasText: '余额' }).locator('.ant-statistic-content');
      await balance.waitFor();
      const balanceBefore = await balance.innerText();
      const bankBefore = (await gql(vol.page, '{ myTimeBank { balanceMinutes earnedMinutes } }')).myTimeBank;
      await vol.page.waitForFunction(() => document.querySelector('.ant-table-row, .ant-empty'));
      await mark(vol.page);
      await shot(vol.page, 'full-17-vol-timebank-before');

      // the lead sees the check-out (live) and confirms the hours
      await sw.page.locator('[data-testid="attendance-row"]').filter({ hasText: '1 分钟' }).waitFor({ timeout: 20_000 });
      await shot(sw.page, 'full-18-sw-checked-out');
      await sw.page.getByLabel('走访记录').fill('全流程：老人身体尚好，已送去棉衣。');
      await sw.page.getByRole('button', { name: '确认时长' }).click();
      await sw.page.getByRole('status').getByText('已确认 1 人的服务时长').waitFor();
      await sw.page.locator('[data-testid="attendance-row"] [data-testid="confirmed-at"]').filter({ hasText: /\d{2}:\d{2}/ }).waitFor();
      await sw.page.getByText(/· 已完成/).first().waitFor();
      await sw.page.getByRole('img', { name: '签到二维码' }).waitFor({ state: 'detached' }); // no more check-ins
      assert.equal(await sw.page.getByRole('button', { name: '确认时长' }).count(), 0, 'nothing left to confirm');
      await notReloaded(sw.page, 'task manage page');
      await sw.page.evaluate(() => window.scrollTo(0, 0));
      await shot(sw.page, 'full-19-sw-confirmed');

      // the volunteer's balance changes on the open page: one more minute, pushed, not reloaded
      // (compare the figure whole: "12 小时" is a prefix of "12 小时1 分钟", so a substring test never sees a
      // balance of whole hours change)
      await vol.page.waitForFunction(
        (before) => {
          const el = [...document.querySelectorAll('.ant-statistic')].find((e) =>
            e.querySelector('.ant-statistic-title')?.textContent === '余额',
          );
          const figure = el?.querySelector('.ant-statistic-content')?.textContent?.trim();
          return figure != null && figure !== before.trim();
        },
        balanceBefore,
        { timeout: 20_000 },
      );
      await notReloaded(vol.page, 'time bank');
      await vol.page.getByText('余额实时更新').waitFor();
      await vol.page.locator('.ant-table-row', { hasText: '服务入账' }).first().waitFor();
      const bankAfter = (await gql(vol.page, '{ myTimeBank { balanceMinutes earnedMinutes } }')).myTimeBank;
      assert.equal(bankAfter.balanceMinutes, bankBefore.balanceMinutes + 1);
      assert.equal(bankAfter.earnedMinutes, bankBefore.earnedMinutes + 1);
      await shot(vol.page, 'full-20-vol-timebank-live');

      // the household's service need is fulfilled by the completed task
      const done = await gql(page, 'query H($id: ID!) { household(id: $id) { needs { id status } } }', { id: s.householdId });
      assert.equal(done.household.needs.find((n) => n.id === s.serviceNeedId).status, 'fulfilled');
      assert.deepEqual(quiet(vol.problems), []);
      assert.deepEqual(quiet(sw.problems), []);
    } finally {
      await vol.context.close();
      await sw.context.close();
    }
  });
}
