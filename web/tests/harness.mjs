// What the browser stories share: the server they run against (a fresh data directory, `caseward
// init`, `caseward user add`, `caseward serve --listen 127.0.0.1:0`, its port read from the line
// it prints), the app it serves (or dist/ in front of it), headless Chromium, the steps of a
// story (numbered screenshots; once a step fails the rest are skipped), signing in and out,
// accessibility checks, and filling in the case form from the configuration. Nothing here sleeps
// to wait for anything.
//
// Environment:
//   CASEWARD_BIN   the server binary (default ../target/debug/caseward, relative to web/)
//   CHROMIUM_PATH  the browser (default /usr/bin/chromium)

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = resolve(WEB, process.env.CASEWARD_BIN ?? '../target/debug/caseward');
const DIST = join(WEB, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PASSWORD = 'correct horse battery staple 42';
const STARTUP_TIMEOUT_MS = 30_000;
export const STEP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// What the server offers (steps that need what it lacks are skipped, saying why)

/** The binary's OpenAPI document (`caseward openapi`), read once; null when it cannot say. */
let openapi;
function openapiDocument() {
  if (openapi !== undefined) return openapi;
  openapi = null;
  if (!existsSync(BIN)) return openapi;
  const result = spawnSync(BIN, ['openapi'], { encoding: 'utf8' });
  if (result.status !== 0) return openapi;
  try {
    openapi = JSON.parse(result.stdout);
  } catch {
    // Not a document: the server offers nothing a story can rely on.
  }
  return openapi;
}

/** Whether the server's OpenAPI document has every one of these paths. */
export function serverHasPaths(wanted) {
  const paths = openapiDocument()?.paths ?? {};
  return wanted.every((p) => p in paths);
}

/** Whether the server's OpenAPI document has a schema. */
export function serverHasSchema(schema) {
  return Boolean(openapiDocument()?.components?.schemas?.[schema]);
}

/** Whether a schema of the server's OpenAPI document has a member. */
export function serverHasMember(schema, member) {
  const properties = openapiDocument()?.components?.schemas?.[schema]?.properties;
  return Boolean(properties && member in properties);
}

// ---------------------------------------------------------------------------------------------
// The server

/** Run a CLI command to completion; fail with its output if it does not exit 0. */
export async function run(args, { input } = {}) {
  const child = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.stdin.end(input ?? '');
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`caseward ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** Start `caseward serve` and resolve with its base URL once it says it is listening. With
 * `defaultMfaPolicy`, the server's own default decides which roles need a second factor;
 * otherwise none does (`CASEWARD_MFA_REQUIRED_ROLES` empty). */
export function startServer(dataDir, { defaultMfaPolicy = false } = {}) {
  const env = { ...process.env, CASEWARD_MFA_REQUIRED_ROLES: '' };
  if (defaultMfaPolicy) delete env.CASEWARD_MFA_REQUIRED_ROLES;
  const child = spawn(BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const ready = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within ${STARTUP_TIMEOUT_MS} ms; log:\n${log}`)),
      STARTUP_TIMEOUT_MS,
    );
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      log += line + '\n';
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`caseward serve exited early (${code ?? signal}); log:\n${log}`));
    });
  });
  return { child, ready, log: () => log };
}

/** `caseward user add` with PASSWORD. */
export async function addUser(dataDir, person) {
  await run(
    ['user', 'add', '--data', dataDir, '--username', person.username, '--display-name', person.displayName, '--role', person.role, '--password-stdin'],
    { input: PASSWORD + '\n' },
  );
}

export async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Where the browser opens the app: the binary itself when it serves the web app this checkout
 * builds (`dist/index.html`, with its hashed asset names, is the same), else a front on another
 * port that serves `dist/` and passes everything else to the binary. Same-origin with the API
 * either way; the front keeps the server's own headers (its Content-Security-Policy above all)
 * on the files it serves. A binary built before `dist/` existed, or from an older `dist/`, can
 * so be tested with the app as it is now. */
export async function appOrigin(apiOrigin) {
  const served = await fetch(apiOrigin + '/').then((r) => (r.ok ? r.text() : ''));
  const built = existsSync(join(DIST, 'index.html')) ? readFileSync(join(DIST, 'index.html'), 'utf8') : null;
  if (served.includes('id="app"') && (built === null || served === built)) return { origin: apiOrigin, close: async () => {} };
  assert.ok(built !== null, 'the caseward binary does not serve the web app and dist/ is missing: run `npm run build`');
  console.log('# the binary does not serve the web app of dist/: serving dist/ in front of it');
  return distFront(apiOrigin);
}

const MEDIA_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A file of `dist/` for a path, as the binary picks one: the file itself, else `index.html`. */
function distFile(pathname) {
  let relative = '';
  try {
    relative = decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    // Not valid percent-encoding: the app's page.
  }
  const candidate = resolve(DIST, relative);
  const inside = candidate.startsWith(DIST + '/') && existsSync(candidate) && statSync(candidate).isFile();
  const file = inside ? candidate : join(DIST, 'index.html');
  return { body: readFileSync(file), type: MEDIA_TYPES[extname(file)] ?? 'application/octet-stream' };
}

/** Serve `dist/` on a free port, passing the API (and every request's headers and body) to the
 * binary; a page or asset gets the headers the binary gave the same request. */
async function distFront(apiOrigin) {
  const upstream = new URL(apiOrigin);
  const front = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://front');
    const isApp = (request.method === 'GET' || request.method === 'HEAD') && !/^\/(api\/|healthz$|readyz$)/.test(pathname);
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        if (!isApp) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        answer.resume();
        const { body, type } = distFile(pathname);
        const headers = { ...answer.headers };
        for (const name of ['content-type', 'content-length', 'content-encoding', 'cache-control', 'transfer-encoding']) delete headers[name];
        response.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache' });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
    );
    forward.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(forward);
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  const { port } = front.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      front.closeAllConnections();
      await new Promise((done) => front.close(() => done()));
    },
  };
}

/** A signed-in API session outside the browser, for what the story sets up rather than shows. */
export async function apiSession(origin, username) {
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(login.status, 200, `${username} signs in through the API`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async (method, path, body) => {
    const response = await fetch(origin + path, {
      method,
      headers: { Cookie: cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

/** No WCAG 2.1 A/AA violation that axe-core can find on the page as it is now. */
export async function checkAccessible(page, where) {
  // Evaluated rather than added as a <script>, so the server's Content-Security-Policy stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  assert.deepEqual(violations, [], `accessibility problems on ${where}`);
}

/** Debian's Chromium, headless, with what it does in the background turned off. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}

/** Sign out through the user menu in the top bar. */
export async function signOutThroughMenu(page) {
  await page.locator('#user-menu-button').click();
  await page.locator('#user-menu').getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#username').waitFor();
}

// ---------------------------------------------------------------------------------------------
// The form, driven from the configuration the server sends (the ids are the configuration's)

/** `family_members[1].age` → the input's DOM id, as the app makes it. */
export const domId = (path) => 'f-' + path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');

export function daysFromToday(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Add an entry to a repeating group and wait for the app to put the keyboard in it (a frame
 * later): typing before then could land in the wrong input when the focus moves. */
export async function addEntry(page, id, row) {
  await page.locator(`#${id}--add`).click();
  await page.waitForFunction(
    (entry) => document.getElementById(entry)?.contains(document.activeElement) === true,
    `${id}--entry-${row}`,
    { timeout: 5_000 },
  );
}

/** Give a field a valid value through the UI. */
export async function fillValid(page, field, path) {
  const id = domId(path);
  const input = page.locator(`#${id}`);
  switch (field.type) {
    case 'short_text':
      await input.fill(field.pattern ? sampleForPattern(field.pattern) : 'Amina Test');
      break;
    case 'long_text':
      await input.fill('Met at the community centre; referred by a teacher.');
      break;
    case 'number': {
      let value = Math.max(field.min ?? 0, Math.min(field.max ?? 10, 10));
      if (field.integer) value = Math.ceil(value);
      await input.fill(String(value));
      break;
    }
    case 'date':
      await input.fill(daysFromToday(-3650));
      break;
    case 'date_time':
      await input.fill(`${daysFromToday(-2)}T10:30`);
      break;
    case 'yes_no':
      await input.check();
      break;
    case 'single_select':
      await input.selectOption({ index: 1 });
      break;
    case 'multi_select':
      await input.check();
      break;
    case 'location': {
      const levels = ['region', 'district', 'village'];
      const depth = levels.indexOf(field.min_level ?? 'region');
      for (let level = 0; level <= Math.max(0, depth); level++) {
        const select = page.locator(level === 0 ? `#${id}` : `#${id}--${levels[level]}`);
        await select.selectOption({ index: 1 });
      }
      break;
    }
    case 'repeating_group': {
      const rows = Math.max(1, field.min_items ?? 0);
      for (let row = 0; row < rows; row++) {
        await addEntry(page, id, row);
        for (const member of field.fields.filter((m) => m.required)) {
          await fillValid(page, member, `${path}[${row}].${member.id}`);
        }
      }
      break;
    }
    default:
      throw new Error(`no way to fill a ${field.type} field`);
  }
}

/** A value for the few simple patterns a configuration uses (digits, letters, dashes). */
export function sampleForPattern(pattern) {
  for (const candidate of ['A1', '123', '1234567', 'ABC-123', 'AB123456', '+211912345678', 'abc']) {
    if (new RegExp(pattern).test(candidate)) return candidate;
  }
  throw new Error(`cannot make a value for the pattern ${pattern}`);
}

// ---------------------------------------------------------------------------------------------
// A story: a fresh server, the app and a browser page; its steps

/** A fresh data directory with `people` (all with PASSWORD), the server on it (see
 * `startServer`), the app it serves (see `appOrigin`), and a page of headless Chromium at
 * 1280×900 in British English; `close` ends them all and removes the data. */
export async function openStory({ prefix, people, defaultMfaPolicy = false }) {
  assert.ok(existsSync(BIN), `no server binary at ${BIN} (build it with cargo build -p caseward, or set CASEWARD_BIN)`);
  const opened = { dataDir: mkdtempSync(join(tmpdir(), prefix)) };
  opened.close = async () => {
    await opened.browser?.close().catch(() => {});
    await opened.site?.close().catch(() => {});
    await stopProcess(opened.server?.child);
    rmSync(opened.dataDir, { recursive: true, force: true });
  };
  try {
    await run(['init', '--data', opened.dataDir]);
    for (const person of people) await addUser(opened.dataDir, person);
    opened.server = startServer(opened.dataDir, { defaultMfaPolicy });
    opened.site = await appOrigin(await opened.server.ready);
    opened.origin = opened.site.origin;
    opened.browser = await launchBrowser();
    const context = await opened.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    opened.page = await context.newPage();
    opened.page.setDefaultTimeout(STEP_TIMEOUT_MS);
    opened.page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
    return opened;
  } catch (error) {
    // What was started is ended here: the story never gets it to close.
    await opened.close();
    throw error;
  }
}

/** The steps of a story on `page()`: `screenshot` numbers its pictures (`prefix` before the
 * number) in `artifacts`, of the whole page or (for a dialog) of what the viewport shows;
 * `step` is a test that is skipped once an earlier one has failed, rather than failing after
 * it, and leaves a screenshot of the page where it failed. */
export function storySteps({ page, artifacts, prefix = '' }) {
  let broken = false;
  let shot = 0;
  const screenshot = async (name, { fullPage = true } = {}) => {
    shot += 1;
    await page().screenshot({ path: join(artifacts, `${prefix}${String(shot).padStart(2, '0')}-${name}.png`), fullPage });
  };
  const step = (name, fn, options = {}) =>
    it(name, options, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (error) {
        broken = true;
        if (page()) await screenshot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
        throw error;
      }
    });
  return { step, screenshot };
}

/** Sign out (when signed in) and sign in as someone else through the UI; resolves once the
 * page's heading is `heading`. */
export async function signInAs(page, username, heading) {
  if (await page.locator('#user-menu-button').count()) await signOutThroughMenu(page);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}
