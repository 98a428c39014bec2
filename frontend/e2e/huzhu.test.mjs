// `npm run e2e`: the platform's browser stories against one real server (started here), in headless Chromium.
// Each story lives in e2e/stories/*.mjs and exports `story(env)`, which declares node:test tests; add a file there
// for a new story (donor gives goods → live match → accept; volunteer claims → QR check-in → hours; Stripe card).
import { after, before, describe } from 'node:test';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer, frontendDir } from './lib/server.mjs';
import { launchBrowser, screenshotter } from './lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// E2E_OUTPUT gives a run its own folder (two runs at once would otherwise wipe each other's screenshots and logs)
const outputDir = process.env.E2E_OUTPUT ? path.resolve(process.env.E2E_OUTPUT) : path.join(frontendDir, 'test-output');
// screenshots of an earlier run must not pass for this run's
rmSync(outputDir, { recursive: true, force: true });
mkdirSync(outputDir, { recursive: true });

/** Shared by every story; filled in before the first test runs. */
const env = { baseUrl: '', browser: null, shot: screenshotter(outputDir), outputDir, demoPassword: 'huzhu-demo-2026' };

const storyFiles = readdirSync(path.join(here, 'stories'))
  .filter((f) => f.endsWith('.mjs') && (!process.env.E2E_ONLY || f.includes(process.env.E2E_ONLY)))
  .sort();
const stories = await Promise.all(storyFiles.map((f) => import(pathToFileURL(path.join(here, 'stories', f)).href)));

describe('huzhu web app in Chromium', { timeout: 15 * 60_000 }, () => {
  let server;
  before(async () => {
    server = await startServer({ outputDir });
    env.baseUrl = server.baseUrl;
    env.browser = await launchBrowser();
    env.logFile = server.logFile;
    console.log(`# server ${server.baseUrl} (${JSON.stringify(server.timings)})`);
  }, { timeout: 12 * 60_000 });

  after(async () => {
    await env.browser?.close();
    await server?.stop();
    console.log(`# screenshots: ${env.shot.taken.length} in ${path.relative(process.cwd(), outputDir) || '.'}`);
  }, { timeout: 3 * 60_000 });

  for (const [i, mod] of stories.entries()) {
    describe(mod.title ?? storyFiles[i], () => mod.story(env));
  }
});
