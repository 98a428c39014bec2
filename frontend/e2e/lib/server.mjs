// Starts the real platform for the browser tests: a fresh embedded PostgreSQL in its own HUZHU_DATA_DIR,
// `huzhu migrate`, `huzhu demo`, then `huzhu serve` on a free loopback port. E2E_BASE_URL skips all that and
// tests a server that is already running (e.g. `make run`).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const frontendDir = path.resolve(here, '..', '..');
export const repoRoot = path.resolve(frontendDir, '..');
const huzhu = path.join(repoRoot, '.venv', 'bin', 'huzhu');
const python = path.join(repoRoot, '.venv', 'bin', 'python');
// HUZHU_BACKEND_ROOT runs the backend from another copy of the repository (e.g. `git archive HEAD` unpacked,
// while the shared working tree is mid-change), with this repository's venv and web app build.
const backendRoot = process.env.HUZHU_BACKEND_ROOT ? path.resolve(process.env.HUZHU_BACKEND_ROOT) : repoRoot;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(args, env, label, timeoutMs) {
  const started = Date.now();
  const res = spawnSync(huzhu, args, { cwd: backendRoot, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (res.status !== 0) {
    throw new Error(`${label} failed (${res.status ?? res.signal}):\n${(res.stdout ?? '').slice(-3000)}\n${(res.stderr ?? '').slice(-6000)}`);
  }
  return { seconds: (Date.now() - started) / 1000, stdout: res.stdout };
}

async function waitForHealth(baseUrl, proc, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`huzhu serve exited with ${proc.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy in ${timeoutMs} ms: ${lastError}`);
}

/**
 * @returns {Promise<{baseUrl: string, stop: () => Promise<void>, timings: Record<string, number>, logFile: string | null}>}
 */
export async function startServer({ outputDir }) {
  if (process.env.E2E_BASE_URL) {
    return { baseUrl: process.env.E2E_BASE_URL.replace(/\/$/, ''), stop: async () => {}, timings: {}, logFile: null };
  }
  if (!existsSync(huzhu)) throw new Error(`${huzhu} not found: run \`make venv\` first`);
  if (!existsSync(path.join(frontendDir, 'dist', 'index.html'))) throw new Error('frontend/dist missing: run `npm run build` first');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'huzhu-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    HUZHU_DATA_DIR: dataDir,
    HUZHU_FAST_HASHER: '1',
    DEBUG: '0',
    ALLOWED_HOSTS: '127.0.0.1,localhost',
    PYTHONUNBUFFERED: '1',
  };
  if (backendRoot !== repoRoot) {
    env.PYTHONPATH = [path.join(backendRoot, 'platform'), backendRoot, process.env.PYTHONPATH].filter(Boolean).join(':');
    env.HUZHU_ROOT = backendRoot;
  }
  delete env.DATABASE_URL; // always a fresh embedded database of our own
  const timings = {};
  timings.migrate = run(['migrate', '--no-input', '-v', '0'], env, 'huzhu migrate', 300_000).seconds;
  timings.demo = run(['demo'], env, 'huzhu demo', 600_000).seconds;

  // online payment against localstripe on loopback (the card story); E2E_LOCALSTRIPE=0 serves with it off
  const { startLocalstripe } = await import('./localstripe.mjs');
  const localstripe = process.env.E2E_LOCALSTRIPE === '0' ? null : await startLocalstripe({ outputDir });
  const logFile = path.join(outputDir, 'server.log');
  const log = openSync(logFile, 'w');
  const started = Date.now();
  const proc = spawn(huzhu, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: backendRoot,
    env: { ...env, ...(localstripe?.serverEnv ?? {}) },
    stdio: ['ignore', log, log],
    detached: true, // its own process group, so that stop() ends uvicorn and the worker thread together
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null) {
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([new Promise((r) => proc.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null) {
        try {
          process.kill(-proc.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    await localstripe?.stop();
    // the embedded PostgreSQL outlives the processes that use it: stop it, then remove its data
    spawnSync(
      python,
      ['-c', 'import sys; from pathlib import Path; from huzhu.embedded_pg import stop_embedded; stop_embedded(Path(sys.argv[1]))', path.join(dataDir, 'pg')],
      { cwd: backendRoot, env, timeout: 90_000 },
    );
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, proc, 120_000);
    await localstripe?.registerWebhook(baseUrl);
  } catch (err) {
    await stop();
    throw err;
  }
  timings.serve = (Date.now() - started) / 1000;
  return { baseUrl, stop, timings, logFile, stripeUrl: localstripe?.url ?? null };
}
