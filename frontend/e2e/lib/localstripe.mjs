// localstripe (a fake Stripe API with its own fake Stripe.js) on a free loopback port, for the browser stories
// that pay by card. The same runner as the backend tests (tests/giving/localstripe_runner.py: bound to
// 127.0.0.1, no shared pickle file). The server under test gets the STRIPE_* settings that point at it, and
// localstripe is told to deliver its signed webhooks to the server's /stripe/webhook.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { freePort, repoRoot } from './server.mjs';

export const WEBHOOK_SECRET = 'whsec_e2e_huzhu';
export const STRIPE_EVENTS = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled', 'charge.refunded'];

async function waitUp(url, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`localstripe exited with ${proc.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`localstripe did not come up at ${url} in ${timeoutMs} ms`);
}

/**
 * @returns {Promise<{url: string, serverEnv: Record<string, string>, registerWebhook: (baseUrl: string) => Promise<void>, stop: () => Promise<void>}>}
 */
export async function startLocalstripe({ outputDir }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(path.join(outputDir, 'localstripe.log'), 'w');
  const proc = spawn(path.join(repoRoot, '.venv', 'bin', 'python'), [path.join(repoRoot, 'tests', 'giving', 'localstripe_runner.py'), String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', log, log],
  });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 5_000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  };
  try {
    await waitUp(`${url}/js.stripe.com/v3/`, proc, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    serverEnv: {
      STRIPE_SECRET_KEY: 'sk_test_huzhu_e2e',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_huzhu_e2e',
      STRIPE_API_BASE: url,
      STRIPE_JS_URL: `${url}/js.stripe.com/v3/`,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    async registerWebhook(baseUrl) {
      const res = await fetch(`${url}/_config/webhooks/huzhu`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${baseUrl}/stripe/webhook`, secret: WEBHOOK_SECRET, events: STRIPE_EVENTS }),
      });
      if (!res.ok) throw new Error(`localstripe webhook registration: HTTP ${res.status} ${await res.text()}`);
    },
    stop,
  };
}
