// The supervisor's dashboard over a demo instance: start `caseward demo` on a fresh SQLite
// folder (or PostgreSQL with --database), log in as supervisor1, and time GET /api/v1/dashboard.
// Prints the median, the 90th percentile and the slowest of the timed requests.
//
//   cargo build --release -p caseward
//   node bench/dashboard.mjs [--bin target/release/caseward] [--cases 200] [--runs 50]
//                            [--database postgres://...]
//
// Needs only Node 20 (fetch). The instance is removed afterwards.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const bin = option('bin', 'target/release/caseward');
const cases = option('cases', '200');
const runs = Number(option('runs', '50'));
const database = option('database', null);
const password = 'a demo password for the bench';

const dir = mkdtempSync(join(tmpdir(), 'caseward-bench-'));
const store = database
  ? ['--database', database, '--keyring', join(dir, 'k.keyring'), '--attachments', join(dir, 'a')]
  : ['--data', join(dir, 'data')];
const server = spawn(
  bin,
  [...store, 'demo', '--listen', '127.0.0.1:0', '--demo-password', password, '--cases', cases],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CASEWARD_LOG: 'warn' } },
);
const url = await new Promise((resolve, reject) => {
  server.on('exit', (code) => reject(new Error(`caseward demo exited with ${code}`)));
  createInterface({ input: server.stdout }).on('line', (line) => {
    const match = /(http:\/\/[\d.]+:\d+)/.exec(line);
    if (match && line.includes('listening on')) resolve(match[1]);
  });
});

try {
  const headers = { 'Content-Type': 'application/json', 'X-Caseward-Client': 'web' };
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ username: 'supervisor1', password }),
  });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const once = async () => {
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/dashboard`, { headers: { ...headers, cookie } });
    const body = await response.json();
    if (!response.ok) throw new Error(`dashboard: ${response.status} ${JSON.stringify(body)}`);
    return [performance.now() - started, body];
  };
  for (let i = 0; i < 5; i += 1) await once();
  const times = [];
  let last;
  for (let i = 0; i < runs; i += 1) {
    const [ms, body] = await once();
    times.push(ms);
    last = body;
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const open = last.stages.reduce((n, s) => n + s.cases, 0);
  console.log(
    `dashboard over ${cases} demo cases (${open} open in supervisor1's teams, ` +
      `${last.attention.length} needing attention), ${runs} requests: ` +
      `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`,
  );
} finally {
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
