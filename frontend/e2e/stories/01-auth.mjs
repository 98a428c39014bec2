import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPerson, login, PHONE } from '../lib/browser.mjs';
import { logSize, waitForLink } from '../lib/mail.mjs';

export const title = 'accounts: log in, errors next to fields, language, sign up → verify email, log out';

export function story(env) {
  test('a wrong password is refused on the form, in the chosen language', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl);
    try {
      await page.goto('/');
      await page.waitForURL('**/login');
      await page.getByRole('heading', { name: '登录互助平台' }).waitFor();
      await env.shot(page, 'auth-01-login-zh');

      await page.getByLabel('邮箱').fill('staff.jiangchuan@huzhu.demo');
      await page.getByLabel('密码', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: /登\s*录/ }).click();
      // allauth names the field (param "password"): the message sits under the password input
      const passwordError = page.locator('.ant-form-item-has-error .ant-form-item-explain-error');
      await passwordError.first().waitFor();
      assert.match(await passwordError.first().innerText(), /密码/);
      await env.shot(page, 'auth-02-login-error-zh');

      await page.getByText('EN', { exact: true }).click();
      await page.getByRole('heading', { name: 'Log in to Huzhu' }).waitFor();
      await page.getByLabel('Email').fill('staff.jiangchuan@huzhu.demo');
      await page.getByLabel('Password', { exact: true }).fill('still-not-the-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator('.ant-form-item-explain-error').getByText(/password/i).waitFor();
      const english = await page.locator('.ant-form-item-explain-error').first().innerText();
      assert.match(english, /[A-Za-z]{3}/, `server message should be English after the switch: ${english}`);
      await env.shot(page, 'auth-03-login-error-en');
      assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
    } finally {
      await context.close();
    }
  });

  test('sign up shows "check your email"; the emailed link verifies and signs in; log out', async () => {
    const { context, page, problems } = await newPerson(env.browser, env.baseUrl, { device: PHONE });
    try {
      const email = `e2e.${Date.now()}@example.org`;
      const mark = env.logFile ? logSize(env.logFile) : 0;
      await page.goto('/account/signup');
      await page.getByLabel('邮箱').fill(email);
      await page.getByLabel('密码', { exact: true }).fill('a-long-Passw0rd-for-e2e');
      await page.getByLabel('确认密码').fill('a-long-Passw0rd-for-e2e');
      await page.getByRole('button', { name: /注\s*册/ }).click();
      await page.getByText('请查收邮件').first().waitFor();
      await page.getByText(email).waitFor();
      await env.shot(page, 'auth-04-signup-check-email-phone');
      if (!env.logFile) return; // a server we did not start: its mail is elsewhere

      const link = await waitForLink(env.logFile, /https?:\/\/[^\s"']+\/account\/verify-email\/[^\s"']+/g, { after: mark });
      await page.goto(new URL(link).pathname);
      const confirm = page.getByRole('button', { name: new RegExp(email.replace(/[.]/g, '\\.')) });
      await confirm.waitFor();
      await env.shot(page, 'auth-05-verify-email-phone');
      await confirm.click();
      await page.waitForURL((url) => url.pathname === '/' || url.pathname === '/login');
      if (new URL(page.url()).pathname === '/login') await login(page, email, 'a-long-Passw0rd-for-e2e');
      await page.getByText('您还没有任何角色').waitFor();
      await env.shot(page, 'auth-06-new-user-home-phone');

      await page.getByRole('button', { name: '我的资料' }).click();
      await page.getByText('退出登录').click();
      await page.waitForURL('**/login');
      assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
    } finally {
      await context.close();
    }
  });

  test('password reset: request page answers without telling whether the address exists', async () => {
    const { context, page } = await newPerson(env.browser, env.baseUrl);
    try {
      await page.goto('/account/password/reset');
      await page.getByLabel('邮箱').fill('nobody@example.org');
      await page.getByRole('button', { name: /提\s*交/ }).click();
      await page.getByText('如果该邮箱已注册').waitFor();
      await env.shot(page, 'auth-07-password-reset-sent');
      const stillInvalid = await context.newPage();
      await stillInvalid.goto('/account/password/reset/key/not-a-key');
      await stillInvalid.getByText('重置链接无效或已过期').waitFor();
    } finally {
      await context.close();
    }
  });
}
