import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login } from '../lib/browser.mjs';

export const title = 'card payment: a donor gives ¥100 by card (localstripe’s fake Stripe.js), the signed webhook turns the gift received live; an abandoned gift is cancelled from My gifts';

const quiet = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

/** Type a card into the Card Element (localstripe's fake one: plain inputs named by their placeholders). */
async function typeCard(page, number) {
  const card = page.getByTestId('card-element');
  await card.locator('input[placeholder="number"]').waitFor({ timeout: 20_000 });
  for (const [field, value] of [
    ['number', number],
    ['exp_month', '12'],
    ['exp_year', '34'],
    ['cvc', '123'],
    ['postal_code', '20000'],
  ]) {
    const input = card.locator(`input[placeholder="${field}"]`);
    await input.fill('');
    await input.pressSequentially(value);
  }
}

export function story(env) {
  // from the top of the page (the shell's header is sticky: a scrolled full-page shot repeats it mid-page)
  const shot = async (page, name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    return env.shot(page, name);
  };
  test('donor pays by card; my gifts, open in another tab, shows the gift received without reload; receipt and disclosure', async () => {
    const { context, page: gifts, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(gifts, 'donor1@huzhu.demo', env.demoPassword);
      // tab 1: my gifts, left open to watch the trace arrive
      await gifts.getByRole('menuitem', { name: '我的捐赠' }).first().click();
      await gifts.waitForURL('**/giving/mine');
      await gifts.getByText('在线支付已开启').waitFor();
      await gifts.locator('[data-testid="gift"], .ant-empty').first().waitFor();
      const before = await gifts.locator('[data-testid="gift"]').evaluateAll((els) => els.map((e) => e.dataset.donationId));
      await gifts.evaluate(() => {
        window.__noReload = 'still here';
      });
      await shot(gifts, 'card-01-my-gifts-before');

      // tab 2: give ¥100 once, to the general fund
      const give = await context.newPage();
      give.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      give.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      await give.goto('/giving/give');
      await give.getByRole('heading', { name: '我要捐赠' }).waitFor();
      await give.getByText('在线支付已开启').waitFor();
      // Stripe.js comes from the configured URL (localstripe's fake, on loopback)
      const scriptSrc = await give.locator('script[data-stripe-js]').getAttribute('src');
      assert.match(scriptSrc, /^http:\/\/127\.0\.0\.1:\d+\/js\.stripe\.com\/v3\/$/);

      // typed client-side validation first: an amount with three decimals is refused next to the field
      await give.getByLabel('捐赠金额（元）').fill('1.005');
      await give.getByRole('button', { name: /支付/ }).click();
      await give.getByText('请输入金额，最多两位小数').waitFor();
      await give.getByLabel('捐赠金额（元）').fill('100');

      // a declined card: the server's typed error (CARD_DECLINED) appears next to the card field
      await typeCard(give, '4000000000000002');
      await shot(give, 'card-02-give-form');
      await give.getByRole('button', { name: '支付 ¥100.00' }).click();
      await give.getByText('银行卡被拒绝或未通过验证,请换一张卡再试。').waitFor({ timeout: 30_000 });
      await shot(give, 'card-03-declined');

      // the test card 4242 4242 4242 4242 pays the same pending gift
      await typeCard(give, '4242424242424242');
      await give.getByRole('button', { name: '支付 ¥100.00' }).click();
      await give.getByText('支付已提交').waitFor({ timeout: 30_000 });
      await shot(give, 'card-04-paid');

      // tab 1: localstripe's signed webhook reached the server; the trace event arrived over the websocket
      await gifts.bringToFront();
      const handle = await gifts.waitForFunction(
        (known) =>
          [...document.querySelectorAll('[data-testid="gift"][data-status="succeeded"]')]
            .find((el) => !known.includes(el.dataset.donationId) && el.textContent.includes('¥100.00'))
            ?.dataset.donationId,
        before,
        { timeout: 30_000 },
      );
      const id = await handle.jsonValue();
      assert.ok(!before.includes(id), 'a gift that was not on the page before');
      const received = gifts.locator(`[data-testid="gift"][data-donation-id="${id}"]`);
      assert.equal(await gifts.evaluate(() => window.__noReload), 'still here', 'my gifts was not reloaded');
      await received.getByText('已到账').first().waitFor();
      await gifts.getByText('去向实时更新').waitFor();
      await shot(gifts, 'card-05-my-gifts-received-live');

      // its receipt is a PDF
      const href = await received.getByRole('link', { name: '下载票据（PDF）' }).getAttribute('href');
      const pdf = await gifts.request.get(href);
      assert.equal(pdf.status(), 200);
      assert.match(pdf.headers()['content-type'] ?? '', /application\/pdf/);

      // the public disclosure, from the donor menu
      await gifts.getByRole('menuitem', { name: '慈善信息公开' }).first().click();
      await gifts.waitForURL('**/giving/disclosure');
      await gifts.getByRole('heading', { name: '收入明细' }).waitFor();
      await gifts.locator('.ant-table-row, .ant-empty').first().waitFor();
      await shot(gifts, 'card-06-disclosure');
      assert.deepEqual(quiet(problems), []);
    } catch (err) {
      // what each tab showed when it failed
      for (const [i, p] of context.pages().entries()) await env.shot(p, `card-failed-tab${i + 1}`).catch(() => {});
      console.log(`# problems: ${JSON.stringify(problems)}`);
      throw err;
    } finally {
      await context.close();
    }
  });

  test('a 3-D Secure card: Stripe.js’s confirmCardPayment runs the bank’s check (localstripe’s dialog), then the gift is received', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await login(page, 'donor1@huzhu.demo', env.demoPassword);
      await page.goto('/giving/give');
      await page.getByRole('heading', { name: '我要捐赠' }).waitFor();
      await page.getByLabel('捐赠金额（元）').fill('66.6');
      await typeCard(page, '4000002500003155');
      await page.getByRole('button', { name: '支付 ¥66.60' }).click();
      // localstripe's stand-in for the bank's 3-D Secure page
      // (a plain DOM box drawn over the page's busy spinner, which keeps it from ever counting as "stable")
      const authenticate = page.getByRole('button', { name: 'Complete authentication' });
      await authenticate.waitFor({ timeout: 30_000 });
      await shot(page, 'card-08-3ds-dialog');
      await authenticate.dispatchEvent('click');
      await page.getByText('支付已提交').waitFor({ timeout: 30_000 });
      await shot(page, 'card-09-3ds-paid');
      await page.getByRole('button', { name: '查看我的捐赠' }).click();
      const gift = page.locator('[data-testid="gift"][data-status="succeeded"]', { hasText: '¥66.60' }).first();
      await gift.waitFor({ timeout: 30_000 });
      await gift.getByText('慈善总基金(非定向)').first().waitFor();
      await shot(page, 'card-10-3ds-received');

      // a second gift abandoned at the bank's check (the donor leaves the page), then cancelled from My gifts
      await page.goto('/giving/give');
      await page.getByRole('heading', { name: '我要捐赠' }).waitFor();
      await page.getByLabel('捐赠金额（元）').fill('12.34');
      await typeCard(page, '4000002500003155');
      await page.getByRole('button', { name: '支付 ¥12.34' }).click();
      await page.getByRole('button', { name: 'Complete authentication' }).waitFor({ timeout: 30_000 });
      await page.goto('/giving/mine');
      const unpaid = page.locator('[data-testid="gift"][data-status="pending"]', { hasText: '¥12.34' }).first();
      await unpaid.getByRole('button', { name: '继续支付' }).waitFor();
      const unpaidId = await unpaid.getAttribute('data-donation-id');
      await shot(page, 'card-11-unpaid-gift');
      // 继续支付 opens the card form for this same gift (not paid here: closed again)
      await unpaid.getByRole('button', { name: '继续支付' }).click();
      const dialog = page.getByRole('dialog', { name: '继续支付 ¥12.34' });
      await dialog.getByTestId('card-element').locator('input[placeholder="number"]').waitFor({ timeout: 20_000 });
      await dialog.getByRole('button', { name: '支付 ¥12.34' }).waitFor();
      await env.shot(page, 'card-11b-resume-dialog');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await unpaid.getByRole('button', { name: /^取\s*消$/ }).click();
      const confirm = page.getByRole('dialog').filter({ hasText: '取消这笔捐赠？' });
      await confirm.getByRole('button', { name: '确认取消' }).click();
      const cancelled = page.locator(`[data-testid="gift"][data-donation-id="${unpaidId}"][data-status="canceled"]`);
      await cancelled.waitFor({ timeout: 15_000 });
      await cancelled.getByText('捐赠人取消了这笔未完成的支付', { exact: false }).waitFor();
      assert.equal(await cancelled.getByRole('button', { name: '继续支付' }).count(), 0, 'a cancelled gift cannot be paid');
      await shot(page, 'card-12-cancelled');
      assert.deepEqual(quiet(problems), []);
    } catch (err) {
      await env.shot(page, 'card-failed-3ds').catch(() => {});
      console.log(`# problems: ${JSON.stringify(problems)}`);
      throw err;
    } finally {
      await context.close();
    }
  });

  test('the disclosure page is public: no login needed', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await page.goto('/disclosure');
      await page.getByRole('heading', { name: '慈善信息公开' }).waitFor();
      await page.getByText('捐赠收入').first().waitFor();
      await page.locator('.ant-table-row, .ant-empty').first().waitFor();
      assert.ok(!page.url().includes('/login'));
      const text = await page.locator('body').innerText();
      assert.doesNotMatch(text, /\d{17}[\dX]/, 'no ID number on the public page');
      await shot(page, 'card-07-public-disclosure');
      assert.deepEqual(quiet(problems), []);
    } finally {
      await context.close();
    }
  });
}
