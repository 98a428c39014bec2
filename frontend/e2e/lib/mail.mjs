// The server sends email with Django's console backend, so each message lands in the server's log; stories
// read links (email verification, password reset) from there, as a person would from their inbox.
import { readFileSync } from 'node:fs';

export async function waitForLink(logFile, pattern, { timeoutMs = 15_000, after = 0 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, 'utf8').slice(after).replace(/=\r?\n/g, '');
    const matches = [...text.matchAll(pattern)];
    if (matches.length) return matches[matches.length - 1][0];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${pattern} in ${logFile} within ${timeoutMs} ms`);
}

export function logSize(logFile) {
  try {
    return readFileSync(logFile, 'utf8').length;
  } catch {
    return 0;
  }
}
