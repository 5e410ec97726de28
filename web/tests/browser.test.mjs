// A case worker's first session, in a real browser against the real server:
// sign in, open a Child Protection case (first with a mistake the server rejects, then
// corrected), edit it, meet a conflicting edit, find it in the list, switch to Arabic, and use
// the list on a 360 px phone.
//
//   npm run build && npm run test:browser
//
// Environment:
//   CASEWARD_BIN   the server binary (default ../target/debug/caseward, relative to web/)
//   CHROMIUM_PATH  the browser (default /usr/bin/chromium)
//
// The test makes a fresh data directory, runs `caseward init`, `caseward user add` and
// `caseward serve --listen 127.0.0.1:0`, and learns the port from the line the server prints
// ("listening on http://127.0.0.1:PORT"); it never sleeps to wait for anything. Screenshots of
// every step go to ../test-artifacts/browser/.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(WEB, process.env.CASEWARD_BIN ?? '../target/debug/caseward');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(WEB, '../test-artifacts/browser');
const PASSWORD = 'correct horse battery staple 42';
const STARTUP_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// The server

/** Run a CLI command to completion; fail with its output if it does not exit 0. */
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

/** Start `caseward serve` and resolve with its base URL once it says it is listening. */
function startServer(dataDir) {
  const child = spawn(BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
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

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The web app must be served by the binary itself, at `/`, same-origin with the API. */
async function appOrigin(apiOrigin) {
  const page = await fetch(apiOrigin + '/').then((r) => (r.ok ? r.text() : ''));
  assert.ok(page.includes('id="app"'), 'the caseward binary does not serve the web app: run `npm run build` before building it');
  return { origin: apiOrigin, close: async () => {} };
}

// ---------------------------------------------------------------------------------------------
// The form, driven from the configuration the server sends (the ids are the configuration's)

/** `family_members[1].age` → the input's DOM id, as the app makes it. */
const domId = (path) => 'f-' + path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-');

function daysFromToday(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Give a field a valid value through the UI. */
async function fillValid(page, config, field, path) {
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
        await page.locator(`#${id}--add`).click();
        for (const member of field.fields.filter((m) => m.required)) {
          await fillValid(page, config, member, `${path}[${row}].${member.id}`);
        }
      }
      break;
    }
    default:
      throw new Error(`no way to fill a ${field.type} field`);
  }
}

/** A value for the few simple patterns a configuration uses (digits, letters, dashes). */
function sampleForPattern(pattern) {
  for (const candidate of ['A1', '123', '1234567', 'ABC-123', 'AB123456', '+211912345678', 'abc']) {
    if (new RegExp(pattern).test(candidate)) return candidate;
  }
  throw new Error(`cannot make a value for the pattern ${pattern}`);
}

// ---------------------------------------------------------------------------------------------
// The story

describe('a case worker in the browser', { timeout: 180_000 }, () => {
  let dataDir;
  let server;
  let origin;
  let app;
  let browser;
  let page;
  let config;
  let caseType;
  let caseNumber;
  let caseId;
  let birth;
  let groupNumber; // { path, field }: a number inside a repeating group's first entry
  let broken = false;
  let shot = 0;

  const screenshot = async (name) => {
    shot += 1;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  /** No WCAG 2.1 A/AA violation that axe-core can find on the page as it is now. */
  const assertAccessible = async (where) => {
    // Evaluated rather than added as a <script>, so the server's Content-Security-Policy stays on.
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
    });
    assert.deepEqual(violations, [], `accessibility problems on ${where}`);
  };

  /** A step of the story; once one fails, the rest are skipped rather than failing after it. */
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

  before(async () => {
    assert.ok(existsSync(BIN), `no server binary at ${BIN} (build it with cargo build -p caseward, or set CASEWARD_BIN)`);
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'caseward-browser-'));
    await run(['init', '--data', dataDir]);
    await run(
      ['user', 'add', '--data', dataDir, '--username', 'worker1', '--display-name', 'Worker One', '--role', 'case_worker', '--password-stdin'],
      { input: PASSWORD + '\n' },
    );
    server = startServer(dataDir);
    const apiOrigin = await server.ready;
    app = await appOrigin(apiOrigin);
    origin = app.origin;
    browser = await chromium.launch({
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

  step('a wrong password shows the server message, the right one signs in', async () => {
    await page.goto(origin + '/');
    await page.locator('#username').fill('worker1');
    await page.locator('#password').fill('not the password');
    await page.locator('form button[type=submit]').click();
    const alert = page.locator('#login-error');
    await alert.waitFor();
    assert.match(await alert.innerText(), /\S/);
    await screenshot('login-failed');
    await assertAccessible('the login page');

    await page.locator('#password').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    assert.match(await page.locator('.topbar').innerText(), /Worker One/);
    await screenshot('my-cases-empty');

    config = await page.evaluate(() => fetch('/api/v1/config', { credentials: 'same-origin' }).then((r) => r.json()));
    caseType = config.case_types.find((c) => c.code === 'CP');
    assert.ok(caseType, 'the configuration has a CP case type');
  });

  // The fields the new-case form shows: sections of no stage or of the first stage.
  const newCaseFields = () =>
    caseType.sections.filter((s) => s.stage == null || s.stage === caseType.stages[0]).flatMap((s) => s.fields);

  step('a case with a date of birth in the future is refused, next to the field', async () => {
    await page.getByRole('link', { name: 'New case' }).click();
    await page.locator(`#type-${caseType.id}`).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('form.case-form').waitFor();
    await screenshot('new-case-form');

    const fields = newCaseFields();
    const dates = fields.filter((f) => f.type === 'date' && f.not_in_future);
    birth = dates.find((f) => /birth/.test(f.id)) ?? dates[0];
    assert.ok(birth, 'the CP form has a date that cannot be in the future');
    for (const field of fields.filter((f) => f.required && f.id !== birth.id)) {
      await fillValid(page, config, field, field.id);
    }
    // The browser's own max= is advisory; type the future date as a person could.
    const input = page.locator(`#${domId(birth.id)}`);
    await input.fill(daysFromToday(30));
    // And, where the form has one, a number too large inside a repeating group's first entry,
    // so that an error path like `family_members[0].age` must find its input.
    const group = fields.find((f) => f.type === 'repeating_group' && f.fields.some((m) => m.type === 'number' && m.max != null));
    if (group) {
      const member = group.fields.find((m) => m.type === 'number' && m.max != null);
      groupNumber = { path: `${group.id}[0].${member.id}`, field: member };
      await page.locator(`#${domId(group.id)}--add`).click();
      for (const required of group.fields.filter((m) => m.required && m.id !== member.id)) {
        await fillValid(page, config, required, `${group.id}[0].${required.id}`);
      }
      await page.locator(`#${domId(groupNumber.path)}`).fill(String(member.max + 1));
    }
    await page.locator('form.case-form button[type=submit]').click();

    await page.locator('#error-summary').waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.includes(`${domId(birth.id)}--error`), `aria-describedby names the error: ${describedBy}`);
    const message = await page.locator(`#${domId(birth.id)}--error`).innerText();
    assert.match(message, /future/i);
    if (groupNumber) {
      const memberInput = page.locator(`#${domId(groupNumber.path)}`);
      assert.equal(await memberInput.getAttribute('aria-invalid'), 'true', `${groupNumber.path} is marked invalid`);
      assert.match(await page.locator(`#${domId(groupNumber.path)}--error`).innerText(), /\S/);
    }
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid'));
    assert.equal(focused, 'true', 'the first invalid field has focus');
    await screenshot('new-case-invalid');
    await assertAccessible('the new-case form showing errors');
  });

  step('the corrected case is created and gets a CP case number', async () => {
    await page.locator(`#${domId(birth.id)}`).fill(daysFromToday(-9 * 365));
    if (groupNumber) await page.locator(`#${domId(groupNumber.path)}`).fill(String(groupNumber.field.min ?? 0));
    await page.locator('form.case-form button[type=submit]').click();
    const number = page.locator('#case-number');
    await number.waitFor();
    caseNumber = (await number.innerText()).trim();
    assert.match(caseNumber, /^CP-\d{4}-\d{5}$/);
    assert.equal(await page.locator(`#${domId(birth.id)}`).inputValue(), daysFromToday(-9 * 365));
    caseId = decodeURIComponent(new URL(page.url()).hash.replace('#/cases/', ''));
    await screenshot('case-created');
  });

  /** A plain text field of the case's current stage to edit. */
  const editableText = () =>
    newCaseFields().find((f) => f.type === 'long_text') ?? newCaseFields().find((f) => f.type === 'short_text' && !f.pattern);

  step('an edit is saved and the version goes up', async () => {
    const before = Number(await page.locator('#case-version').innerText());
    const field = editableText();
    assert.ok(field, 'the CP form has a text field to edit');
    await page.locator(`#${domId(field.id)}`).fill('Updated after the home visit.');
    await page.locator('form.case-form button[type=submit]').click();
    await page.locator('.status-line .notice.success').waitFor();
    const afterSave = Number(await page.locator('#case-version').innerText());
    assert.ok(afterSave > before, `version ${afterSave} is above ${before}`);
    await screenshot('case-saved');
    await assertAccessible('the case page');
  });

  step('a save over someone else\'s change says so and offers a reload', async () => {
    const field = editableText();
    // Someone else changes the case through the API while this page still shows the old version.
    const status = await page.evaluate(
      async ({ id, fieldId }) => {
        const current = await fetch(`/api/v1/cases/${id}`).then((r) => r.json());
        const answer = await fetch(`/api/v1/cases/${id}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ version: current.version, fields: { [fieldId]: 'Changed by a colleague.' } }),
        });
        return answer.status;
      },
      { id: caseId, fieldId: field.id },
    );
    assert.equal(status, 200);
    await page.locator(`#${domId(field.id)}`).fill('My change, made on the old version.');
    await page.locator('form.case-form button[type=submit]').click();
    const conflict = page.locator('.notice.conflict');
    await conflict.waitFor();
    assert.match(await conflict.innerText(), /changed by someone else/);
    await screenshot('case-conflict');
    await page.locator('#reload-case').click();
    await conflict.waitFor({ state: 'detached' });
    assert.equal(await page.locator(`#${domId(field.id)}`).inputValue(), 'Changed by a colleague.');
  });

  step('the list shows the case', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'My cases' }).click();
    const link = page.getByRole('link', { name: caseNumber });
    await link.waitFor();
    await screenshot('my-cases');
    await assertAccessible('the case list');
  });

  step('Arabic turns the page right to left', async () => {
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    await page.getByRole('heading', { level: 1, name: 'حالاتي' }).waitFor();
    await screenshot('my-cases-arabic');
    await assertAccessible('the case list in Arabic');
  });

  step('on a 360 px phone nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const noSideways = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(await noSideways(), 'the list does not scroll sideways (Arabic)');
    await screenshot('phone-list-arabic');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    assert.ok(await noSideways(), 'the list does not scroll sideways (English)');
    await screenshot('phone-list');
    await assertAccessible('the case list on a phone');
    await page.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number').waitFor();
    assert.ok(await noSideways(), 'the case page does not scroll sideways');
    await screenshot('phone-case');
  });
});
