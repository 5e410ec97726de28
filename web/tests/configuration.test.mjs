// A programme manager changes the configuration in the browser, against the real server, and a
// case worker uses the new version at once:
//
// manager1 (programme manager) finds Configuration in the navigation, opens the GBV case type
// and adds a field to its identification section: an id with a capital letter is refused at the
// input before anything is sent, an id another GBV field already has is refused by the server's
// check (shown at the id input and in the list of errors; nothing saved), then "Referred by"
// (short text, standard, labelled in English, French and Arabic) is checked (its change line
// shown, and the field seen in the section preview) and saved as version 2. Then a stage,
// "Safety planning" (labels in en/fr/ar), goes after assessment in the instance and in GBV, and
// the transitions assessment → safety planning → care plan are added; the pages are checked in
// Arabic (right to left) too. worker1 (a case worker, who has no Configuration page) creates a
// GBV case, sees and fills in "Referred by", and moves the case assessment → safety planning →
// care plan through the workflow UI. Finally manager1 finds version 2, by them, with its change in
// the history, and the restoration of version 1 is refused by its check (it would delete a field
// a case now holds) with the server's words, nothing saved. Last, while manager1 adds a closure
// reason, someone else saves another version: the check is answered 409, the page says so and
// shows the newest version, and the same input is checked again and saved.
//
//   npm run build && node --test tests/configuration.test.mjs
//
// Environment: CASEWARD_BIN (default ../target/debug/caseward, relative to web/), CHROMIUM_PATH
// (default /usr/bin/chromium). A fresh data directory, `caseward init`, `caseward user add`,
// `caseward serve --listen 127.0.0.1:0` with no second factor required; the port is read from the
// line the server prints; nothing sleeps to wait. Screenshots go to
// ../test-artifacts/configuration/.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(WEB, process.env.CASEWARD_BIN ?? '../target/debug/caseward');
const DIST = join(WEB, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(WEB, '../test-artifacts/configuration');
const PASSWORD = 'correct horse battery staple 42';
const STARTUP_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;

const PEOPLE = [
  { username: 'worker1', displayName: 'Worker One', role: 'case_worker' },
  { username: 'manager1', displayName: 'Manager One', role: 'programme_manager' },
];

/** Whether the binary serves the configuration editors' endpoints. */
function serverHasConfigEditing() {
  if (!existsSync(BIN)) return false;
  const result = spawnSync(BIN, ['openapi'], { encoding: 'utf8' });
  if (result.status !== 0) return false;
  try {
    const paths = JSON.parse(result.stdout).paths ?? {};
    return ['/api/v1/config/entities', '/api/v1/config/changes', '/api/v1/config/versions', '/api/v1/config/versions/{version}/restore'].every(
      (p) => p in paths,
    );
  } catch {
    return false;
  }
}
const EDITING = serverHasConfigEditing() ? {} : { skip: 'server has no configuration editing endpoints yet' };

// ---------------------------------------------------------------------------------------------
// The server (as in browser.test.mjs)

async function run(args, { input } = {}) {
  const child = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.stdin.end(input ?? '');
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`caseward ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** `caseward serve` with no role needing a second factor; resolves with its base URL. */
function startServer(dataDir) {
  const child = spawn(BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CASEWARD_MFA_REQUIRED_ROLES: '' },
  });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const ready = new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${STARTUP_TIMEOUT_MS} ms; log:\n${log}`)), STARTUP_TIMEOUT_MS);
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
  return { child, ready };
}

async function addUser(dataDir, person) {
  await run(
    ['user', 'add', '--data', dataDir, '--username', person.username, '--display-name', person.displayName, '--role', person.role, '--password-stdin'],
    { input: PASSWORD + '\n' },
  );
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The binary itself when it serves this checkout's dist/, else a front serving dist/ and
 * passing the rest to the binary (keeping the binary's headers on the files it serves). */
async function appOrigin(apiOrigin) {
  const served = await fetch(apiOrigin + '/').then((r) => (r.ok ? r.text() : ''));
  const built = existsSync(join(DIST, 'index.html')) ? readFileSync(join(DIST, 'index.html'), 'utf8') : null;
  if (served.includes('id="app"') && (built === null || served === built)) return { origin: apiOrigin, close: async () => {} };
  assert.ok(built !== null, 'the caseward binary does not serve the web app and dist/ is missing: run `npm run build`');
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

/** No WCAG 2.1 A/AA violation that axe-core finds on the page as it is now. */
async function checkAccessible(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  assert.deepEqual(violations, [], `accessibility problems on ${where}`);
}

function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

// ---------------------------------------------------------------------------------------------
// The case form, driven from the configuration the server sends (as in browser.test.mjs)

const domId = (path) => 'f-' + path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');

function daysFromToday(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function addEntry(page, id, row) {
  await page.locator(`#${id}--add`).click();
  await page.waitForFunction((entry) => document.getElementById(entry)?.contains(document.activeElement) === true, `${id}--entry-${row}`, {
    timeout: 5_000,
  });
}

function sampleForPattern(pattern) {
  for (const candidate of ['A1', '123', '1234567', 'ABC-123', 'AB123456', '+211912345678', 'abc']) {
    if (new RegExp(pattern).test(candidate)) return candidate;
  }
  throw new Error(`cannot make a value for the pattern ${pattern}`);
}

async function fillValid(page, field, path) {
  const id = domId(path);
  const input = page.locator(`#${id}`);
  switch (field.type) {
    case 'short_text':
      await input.fill(field.pattern ? sampleForPattern(field.pattern) : 'AT');
      break;
    case 'long_text':
      await input.fill('Recorded for the configuration test.');
      break;
    case 'number': {
      let value = Math.max(field.min ?? 0, Math.min(field.max ?? 10, 10));
      if (field.integer) value = Math.ceil(value);
      await input.fill(String(value));
      break;
    }
    case 'date':
      await input.fill(daysFromToday(-30));
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
        await page.locator(level === 0 ? `#${id}` : `#${id}--${levels[level]}`).selectOption({ index: 1 });
      }
      break;
    }
    case 'repeating_group': {
      const rows = Math.max(1, field.min_items ?? 0);
      for (let row = 0; row < rows; row++) {
        await addEntry(page, id, row);
        for (const member of field.fields.filter((m) => m.required)) await fillValid(page, member, `${path}[${row}].${member.id}`);
      }
      break;
    }
    default:
      throw new Error(`no way to fill a ${field.type} field`);
  }
}

// ---------------------------------------------------------------------------------------------
// The story

describe('a programme manager changes the configuration', { timeout: 300_000, ...EDITING }, () => {
  let dataDir;
  let server;
  let app;
  let origin;
  let browser;
  let page;
  let broken = false;
  let shot = 0;
  let caseId;

  const screenshot = async (name, { fullPage = true } = {}) => {
    shot += 1;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage });
  };
  const assertAccessible = (where) => checkAccessible(page, where);

  const signInAs = async (username, heading) => {
    if (await page.locator('#user-menu-button').count()) {
      await page.locator('#user-menu-button').click();
      await page.locator('#user-menu').getByRole('button', { name: 'Sign out' }).click();
      await page.locator('#username').waitFor();
    }
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  const step = (name, fn) =>
    it(name, async (t) => {
      if (broken) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (error) {
        broken = true;
        if (page) await screenshot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
        throw error;
      }
    });

  /** The configuration versions, through the signed-in page's session. */
  const versions = () => page.evaluate(() => fetch('/api/v1/config/versions').then((r) => r.json()));
  const changesPosted = (r) => r.url().endsWith('/api/v1/config/changes') && r.request().method() === 'POST';

  /** Check an editor's change, wait for the dry run's answer, and return it. */
  const checkChange = async (form) => {
    const answered = page.waitForResponse(changesPosted);
    await page.locator(`#${form}-check`).click();
    const answer = await answered;
    assert.equal(answer.status(), 200, `the check answers: ${await answer.text()}`);
    assert.equal(answer.request().postDataJSON().dry_run, true, 'a check is a dry run');
    return answer.json();
  };

  /** Save a checked change: a second request without dry_run, then the app reads /config again. */
  const saveChange = async (form, version) => {
    const saved = page.waitForResponse(changesPosted);
    const reread = page.waitForResponse((r) => r.url().endsWith('/api/v1/config') && r.request().method() === 'GET');
    await page.locator(`#${form}-save`, { hasText: `version ${version}` }).click();
    const answer = await saved;
    assert.equal(answer.status(), 201, `the change is saved: ${await answer.text()}`);
    assert.equal(answer.request().postDataJSON().dry_run, false);
    assert.equal((await answer.json()).version, version);
    assert.equal((await reread).status(), 200, 'the app reads the configuration in force again');
    await page.locator('#config-saved', { hasText: `Version ${version} is saved` }).waitFor();
  };

  before(async () => {
    assert.ok(existsSync(BIN), `no server binary at ${BIN} (build it with cargo build -p caseward, or set CASEWARD_BIN)`);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'caseward-configuration-'));
    await run(['init', '--data', dataDir]);
    for (const person of PEOPLE) await addUser(dataDir, person);
    server = startServer(dataDir);
    app = await appOrigin(await server.ready);
    origin = app.origin;
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await app?.close().catch(() => {});
    await stopProcess(server?.child);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  step('a programme manager finds Configuration in the navigation', async () => {
    await page.goto(origin + '/');
    await signInAs('manager1', 'Users');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Configuration' }).waitFor();
    await page.getByText('Version 1 is in force').waitFor();
    await page.locator('#config-case-type').selectOption('gbv');
    await page.locator('#section-identification-add-field').waitFor();
    await screenshot('configuration-case-types');
    await assertAccessible('the case types part of the configuration');
  });

  step('a field id with a capital letter is refused at the input, an id already used by the server', async () => {
    await page.locator('#section-identification-add-field').click();
    const dialog = page.locator('#field-dialog');
    await dialog.waitFor();
    await page.locator('#fe-label-en').fill('Referred by');
    await page.locator('#fe-label-fr').fill('Orienté par');
    await page.locator('#fe-label-ar').fill('أحاله');
    assert.equal(await page.locator('#fe-type').inputValue(), 'short_text');
    assert.equal(await page.locator('#fe-classification').inputValue(), 'standard');

    // A capital letter: refused at the input, nothing sent.
    let posts = 0;
    const count = (request) => {
      if (changesPosted({ url: () => request.url(), request: () => request })) posts += 1;
    };
    page.on('request', count);
    await page.locator('#fe-id').fill('Referred_By');
    await page.locator('#field-editor-check').click();
    await page.locator('#fe-id--error', { hasText: 'lower-case letters' }).waitFor();
    assert.equal(await page.locator('#fe-id').getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(() => document.activeElement?.id === 'fe-id');
    page.off('request', count);
    assert.equal(posts, 0, 'an id the app can tell is wrong is not sent');
    await screenshot('field-id-refused', { fullPage: false });

    // An id another GBV field has: the server's check says so, at the input and in the list.
    await page.locator('#fe-id').fill('incident_type');
    const report = await checkChange('field-editor');
    assert.equal(report.valid, false);
    assert.ok(report.errors.some((e) => /duplicate field id "incident_type"/.test(e.message)), JSON.stringify(report.errors));
    await page.locator('#fe-id--error', { hasText: 'duplicate field id' }).waitFor();
    await page.locator('#field-editor-errors', { hasText: 'duplicate field id "incident_type"' }).waitFor();
    assert.equal(await page.locator('#field-editor-save').count(), 0, 'an invalid change cannot be saved');
    await screenshot('field-duplicate-refused', { fullPage: false });
    await assertAccessible('the field editor showing the server\'s error');
    assert.equal((await versions()).length, 1, 'nothing was saved');
  });

  step('the new field is checked, previewed and saved as version 2', async () => {
    await page.locator('#fe-id').fill('referred_by');
    const report = await checkChange('field-editor');
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    await page.locator('#field-editor-changes', { hasText: 'case type `gbv` › section `identification` › field `referred_by`: added' }).waitFor();
    // The preview draws the section as a case worker will see it, the new field last.
    await page.locator('#field-preview > summary').click();
    const preview = page.locator('#field-preview .form-preview');
    await preview.getByLabel('Referred by').waitFor();
    await preview.getByLabel('Referred by').fill('A neighbour');
    await screenshot('field-checked-with-preview', { fullPage: false });
    await assertAccessible('the field editor with its check and preview');
    await saveChange('field-editor', 2);
    await page.locator('#field-dialog').waitFor({ state: 'detached' });
    await page.locator('#field-row-referred_by', { hasText: 'Referred by' }).waitFor();
    await page.getByText('Version 2 is in force').waitFor();
    await screenshot('field-saved');
  });

  step('a stage "Safety planning" goes after assessment, in GBV too', async () => {
    await page.locator('#config-part-workflow').click();
    await page.locator('#stage-add').click();
    await page.locator('#stage-dialog').waitFor();
    await page.locator('#st-id').fill('safety_planning');
    await page.locator('#st-label-en').fill('Safety planning');
    await page.locator('#st-label-fr').fill('Plan de sécurité');
    await page.locator('#st-label-ar').fill('تخطيط السلامة');
    await page.locator('#st-after').selectOption('assessment');
    await page.locator('#st-ct-gbv').check();
    assert.equal(await page.locator('#st-ct-gbv-after').inputValue(), 'assessment');
    const report = await checkChange('stage-editor');
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    const lines = page.locator('#stage-editor-changes');
    await lines.getByText('stage `safety_planning`: added').waitFor();
    assert.match(await lines.innerText(), /case type `gbv`: stages: .*"assessment", "safety_planning", "care_plan"/);
    await screenshot('stage-checked', { fullPage: false });
    await assertAccessible('the stage editor with its check');
    await saveChange('stage-editor', 3);
    await page.locator('#stage-row-safety_planning', { hasText: 'Safety planning' }).waitFor();
  });

  /** Add a move to GBV's workflow through the transition editor, and save it. */
  const addTransition = async (from, to, labels, version) => {
    await page.locator('#transition-add').click();
    await page.locator('#transition-dialog').waitFor();
    await page.locator(`#tr-from--${from}`).check();
    await page.locator('#tr-to').selectOption(to);
    await page.locator('#tr-label-en').fill(labels.en);
    await page.locator('#tr-label-fr').fill(labels.fr);
    await page.locator('#tr-label-ar').fill(labels.ar);
    const report = await checkChange('transition-editor');
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    await page.locator('#transition-editor-changes', { hasText: `transition \`${from} → ${to}\`: added` }).waitFor();
    await saveChange('transition-editor', version);
    await page.locator('#transition-dialog').waitFor({ state: 'detached' });
  };

  step('transitions assessment → safety planning → care plan are added to GBV', async () => {
    await page.locator('#config-case-type').selectOption('gbv');
    await page.locator('#transitions-table').waitFor();
    await addTransition('assessment', 'safety_planning', { en: 'Plan safety', fr: 'Planifier la sécurité', ar: 'التخطيط للسلامة' }, 4);
    await addTransition('safety_planning', 'care_plan', { en: 'Develop a care plan', fr: 'Élaborer un plan de prise en charge', ar: 'إعداد خطة الرعاية' }, 5);
    await page.locator('#transition-row-assessment-safety_planning', { hasText: 'Plan safety' }).waitFor();
    await page.locator('#transition-row-safety_planning-care_plan').waitFor();
    await screenshot('transitions-added');
    await assertAccessible('the stages and transitions part');

    // In Arabic, right to left, with the new stage named in Arabic.
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.locator('#stage-row-safety_planning', { hasText: 'تخطيط السلامة' }).waitFor();
    await screenshot('transitions-arabic');
    await assertAccessible('the stages and transitions part in Arabic');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  step('a case worker has no Configuration page, and fills in the new field on a new GBV case', async () => {
    await signInAs('worker1', 'My cases');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Configuration' }).count(), 0, 'no Configuration for a case worker');
    const config = await page.evaluate(() => fetch('/api/v1/config').then((r) => r.json()));
    assert.equal(config.version, 5);
    const gbv = config.case_types.find((c) => c.id === 'gbv');
    assert.deepEqual(gbv.stages.slice(0, 4), ['identification', 'assessment', 'safety_planning', 'care_plan']);

    await page.getByRole('link', { name: 'New case' }).click();
    await page.locator('#type-gbv').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('form.case-form').waitFor();
    const referred = page.locator(`#${domId('referred_by')}`);
    await referred.waitFor();
    assert.equal(await page.locator(`label[for=${domId('referred_by')}]`).innerText(), 'Referred by');
    const fields = gbv.sections.filter((s) => s.stage == null || s.stage === 'identification').flatMap((s) => s.fields);
    for (const field of fields.filter((f) => f.required)) await fillValid(page, field, field.id);
    await referred.fill('Community health worker');
    await screenshot('new-gbv-case-with-new-field');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/cases') && r.request().method() === 'POST');
    await page.locator('form.case-form button[type=submit]').click();
    const answer = await created;
    assert.equal(answer.status(), 201, `the case is created: ${await answer.text()}`);
    const body = await answer.json();
    assert.equal(body.fields.referred_by, 'Community health worker');
    assert.equal(body.config_version, 5);
    caseId = body.id;
    await page.locator('#case-number').waitFor();
    assert.equal(await page.locator(`#${domId('referred_by')}`).inputValue(), 'Community health worker');
  });

  const transitionsPosted = (r) => r.url().endsWith(`/api/v1/cases/${caseId}/transitions`) && r.request().method() === 'POST';

  /** Move the case through the workflow UI and wait for its new stage. */
  const move = async (to, stageName) => {
    await page.locator(`#move-${to}`).click();
    const dialog = page.locator('#move-dialog');
    await dialog.waitFor();
    const moved = page.waitForResponse(transitionsPosted);
    await dialog.locator('button[type=submit]').click();
    const answer = await moved;
    assert.equal(answer.status(), 200, `the move to ${to} is accepted: ${await answer.text()}`);
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName }).waitFor();
  };

  step('the worker moves the case assessment → safety planning → care plan', async () => {
    await page.locator('#moves').waitFor();
    await move('assessment', 'Assessment');
    // Leaving assessment needs its required fields: fill them in and save.
    const config = await page.evaluate(() => fetch('/api/v1/config').then((r) => r.json()));
    const gbv = config.case_types.find((c) => c.id === 'gbv');
    const required = gbv.sections.filter((s) => s.stage === 'assessment').flatMap((s) => s.fields).filter((f) => f.required);
    for (const field of required) await fillValid(page, field, field.id);
    if (required.length) {
      await page.locator('form.case-form button[type=submit]').click();
      await page.locator('.status-line .notice.success').waitFor();
    }
    await page.locator('#moves').getByRole('button', { name: 'Plan safety' }).waitFor();
    await move('safety_planning', 'Safety planning');
    await screenshot('case-at-safety-planning');
    await page.locator('#moves').getByRole('button', { name: 'Develop a care plan' }).waitFor();
    await move('care_plan', 'Care plan development');
    await page.locator('#stage-history > summary').click();
    const history = page.locator('#stage-history-list li');
    await history.nth(2).waitFor();
    assert.match(await page.locator('#stage-history-list').innerText(), /Safety planning/);
    await screenshot('case-at-care-plan');
  });

  step('the manager finds version 2, by them, in the history; restoring version 1 is refused', async () => {
    await signInAs('manager1', 'Users');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Configuration' }).click();
    await page.locator('#config-part-history').click();
    const v2 = page.locator('#config-version-2');
    await v2.waitFor();
    const text = await v2.innerText();
    assert.match(text, /Version 2/);
    assert.match(text, /Manager One/);
    assert.match(text, /edited here/);
    await v2.locator('summary').click();
    await v2.getByText('case type `gbv` › section `identification` › field `referred_by`: added').waitFor();
    assert.match(await page.locator('#config-version-5').innerText(), /In force/);
    await screenshot('history');
    await assertAccessible('the history');

    // Version 1 has no "Referred by", which a case now holds: the check refuses the restoration.
    await page.locator('#config-version-1-restore').click();
    await page.locator('#restore-dialog').waitFor();
    const checked = page.waitForResponse((r) => r.url().endsWith('/api/v1/config/versions/1/restore'));
    await page.locator('#restore-editor-check').click();
    const answer = await checked;
    assert.equal(answer.status(), 200);
    assert.equal(answer.request().postDataJSON().dry_run, true);
    const report = await answer.json();
    assert.equal(report.valid, false);
    await page.locator('#restore-editor-errors', { hasText: 'referred_by' }).waitFor();
    assert.match(await page.locator('#restore-editor-errors').innerText(), /retire/);
    assert.equal(await page.locator('#restore-editor-save').count(), 0);
    await screenshot('restore-refused', { fullPage: false });
    await page.locator('#restore-dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await versions()).length, 5, 'nothing was saved');
  });

  step('a change made meanwhile by someone else is reported (409) and the newest version shown', async () => {
    await page.locator('#config-part-lists').click();
    await page.locator('#closure-reason-add').click();
    await page.locator('#closure-reason-dialog').waitFor();
    await page.locator('#cr-id').fill('moved_away');
    await page.locator('#cr-label-en').fill('Moved away');
    await page.locator('#cr-label-fr').fill('A déménagé');
    await page.locator('#cr-label-ar').fill('انتقل للسكن في مكان آخر');
    // Someone else saves another version (a holiday) while the dialog is open.
    const other = await page.evaluate(() =>
      fetch('/api/v1/config/changes', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          based_on: 5,
          dry_run: false,
          changes: [{ op: 'put', entity: { kind: 'calendar' }, value: { weekend: ['saturday', 'sunday'], holidays: ['2027-05-01'] } }],
        }),
      }).then((r) => r.status),
    );
    assert.equal(other, 201);
    const answered = page.waitForResponse(changesPosted);
    await page.locator('#closure-reason-editor-check').click();
    assert.equal((await answered).status(), 409);
    await page.locator('#closure-reason-editor-conflict', { hasText: 'Someone else changed the configuration' }).waitFor();
    await page.getByText('Version 6 is in force').waitFor();
    await screenshot('conflict', { fullPage: false });
    // What was typed is kept: checked again against version 6, and saved as version 7.
    const report = await checkChange('closure-reason-editor');
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    assert.equal(report.based_on, 6);
    await saveChange('closure-reason-editor', 7);
    await page.locator('#closure-reasons', { hasText: 'Moved away' }).waitFor();
  });
});
