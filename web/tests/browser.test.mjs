// A case worker's first session, in a real browser against the real server:
// sign in, open a Child Protection case (first with a mistake the server rejects, then
// corrected), edit it, meet a conflicting edit, find it in the list, switch to Arabic, and use
// the list on a 360 px phone. Then access control (issue 3): an administrator sees the Users
// page and no case screen, and makes a team; the team's supervisor sees a member's GBV case
// with "[Restricted]" in place of its confidential and restricted values; the worker shares a
// case with a colleague through the dialog and the colleague finds it in their list; sharing
// the GBV case with a colleague no consent names is refused, then overridden in an emergency
// with a reason that the share list shows; someone without access who opens a case's address
// gets the not-found page. Custom roles: an administrator gives a new user the configuration's
// "Team lead" role, who signs in to the case list without administration; a monitoring and
// evaluation officer (aggregate reports only) finds no case screen. Agencies and hand-over: an
// administrator adds an agency and puts a worker into it; the worker's colleague, seeing that
// agency in the share dialog, shares a case with them and hands it over from the case page,
// then finds the case gone from their list with a notice naming its new worker. The audit trail:
// an auditor lands on it, finds a worker opening a case and exports it with a reason; the case's
// worker reads its access log (their own entries, and the outsider refused). Documents: the worker
// uploads a PDF to a case and downloads the same bytes, an HTML file and a file above the limit
// are refused at the file input, the team supervisor finds the restricted document withheld, and
// a colleague given "Attachments (restricted documents)" sees it; neither that colleague nor
// the supervisor (who sees a second, standard document) is offered a Remove button, and the
// worker removes that document with a reason, which the case's access log then lists. Care plans:
// the worker moves the case to the care plan stage and is refused the move on to implementation
// (the plan is not approved), writes a plan with one intervention (an empty one is refused at its
// inputs first) and submits it; the team supervisor finds the case on the Approvals page, opens
// it with its plan shown, finds that returning it needs a comment, and approves it, leaving the
// queue empty; the worker then moves the case on. The dashboard: before the approval, the
// supervisor's Dashboard counts the care plan pending (a case worker has none), with the team's
// workload, the cases by stage and the month's quality figures, on a phone and in Arabic too;
// after it, none pending. Notes: the worker writes a note and a confidential one, and the
// supervisor sees the first and that one is withheld. Alerts: the worker finds none, sets the
// address alerts are emailed to (a bad one refused at the field), then, with the alert list
// answered by the test, sees unread alerts counted in the header and reads them; the audit
// trail names the dashboard readings and the address change. Supervision: the supervisor draws
// a random review sample on the Supervision page (a size out of range refused at its input),
// opens the case from it, records a quality review (a missing rating and findings refused at the
// fields first), marks the case for discussion and writes a supervision note labelled as outside
// the case record; the worker finds the mark and the note on their Supervision page and not
// among the case's notes, and writes a note planning the next contact (a day beyond a year
// refused at the field); the transfer of the case is refused until the worker records the
// inter-agency panel's endorsement, reached from the refusal; the audit trail names each in
// words. A second
// story, on its own server with the default second-factor policy: a supervisor sets up TOTP at
// first sign-in (QR code, key, first code, recovery codes), signs in again with a code, replaces
// the authenticator on the Security page, confirms a share with a code, signs in with a
// recovery code, and is locked out by repeated wrong codes; the test computes the codes
// (RFC 6238).
//
//   npm run build && npm run test:browser
//
// Environment:
//   CASEWARD_BIN   the server binary (default ../target/debug/caseward, relative to web/)
//   CHROMIUM_PATH  the browser (default /usr/bin/chromium)
//
// The test makes a fresh data directory, runs `caseward init`, `caseward user add` (a case
// worker, a colleague, a supervisor, an outsider and a system administrator) and
// `caseward serve --listen 127.0.0.1:0`, and learns the port from the line the server prints
// ("listening on http://127.0.0.1:PORT"); it never sleeps to wait for anything. Screenshots of
// every step go to ../test-artifacts/browser/.

import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  addEntry,
  apiSession,
  checkAccessible,
  daysFromToday,
  domId,
  fillValid,
  openStory,
  PASSWORD,
  sampleForPattern,
  serverHasMember,
  serverHasPaths,
  serverHasSchema,
  signInAs as signInThroughUi,
  signOutThroughMenu,
  storySteps,
  WEB,
} from './harness.mjs';

const ARTIFACTS = resolve(WEB, '../test-artifacts/browser');

/** Users the story needs besides worker1, all with PASSWORD. */
const PEOPLE = [
  { username: 'worker2', displayName: 'Worker Two', role: 'case_worker' },
  { username: 'super1', displayName: 'Supervisor One', role: 'supervisor' },
  { username: 'outsider1', displayName: 'Outsider Three', role: 'case_worker' },
  { username: 'admin1', displayName: 'Admin One', role: 'system_administrator' },
];

/** Whether the binary serves the access-control endpoints (teams, shares): the steps that
 * need them are skipped, saying why, against a server that does not. */
const ACCESS = serverHasPaths(['/api/v1/teams', '/api/v1/cases/{id}/shares', '/api/v1/users']) ? {} : { skip: 'server endpoint not yet available' };

/** Whether a share may override a survivor's missing consent (`consent_override_reason`). */
const CONSENT_OVERRIDE = ACCESS.skip
  ? ACCESS
  : serverHasMember('ShareRequest', 'consent_override_reason')
    ? {}
    : { skip: 'server does not take consent_override_reason yet' };

/** Whether the configuration has custom roles (`RoleView`, users' `permissions`). */
const CUSTOM_ROLES = ACCESS.skip ? ACCESS : serverHasSchema('RoleView') ? {} : { skip: 'server has no custom roles yet' };

const AGENCIES = ACCESS.skip ? ACCESS : serverHasPaths(['/api/v1/agencies']) ? {} : { skip: 'server has no agencies yet' };
const HANDOVER = AGENCIES.skip
  ? AGENCIES
  : serverHasPaths(['/api/v1/cases/{id}/handover'])
    ? {}
    : { skip: 'server has no hand-over yet' };
const AUDIT = ACCESS.skip
  ? ACCESS
  : serverHasPaths(['/api/v1/audit', '/api/v1/audit/export', '/api/v1/cases/{id}/audit'])
    ? {}
    : { skip: 'server has no audit trail endpoints yet' };
const ATTACHMENTS = ACCESS.skip
  ? ACCESS
  : serverHasPaths(['/api/v1/cases/{id}/attachments', '/api/v1/cases/{id}/attachments/{attachment_id}'])
    ? {}
    : { skip: 'server has no attachments yet' };
const WORKFLOW = serverHasPaths(['/api/v1/cases/{id}/transitions']) ? {} : { skip: 'server has no workflow transitions yet' };
const CARE_PLANS = WORKFLOW.skip
  ? WORKFLOW
  : ACCESS.skip
    ? ACCESS
    : serverHasPaths(['/api/v1/cases/{id}/care-plans', '/api/v1/cases/{id}/care-plans/{version}/decision', '/api/v1/approvals'])
      ? {}
      : { skip: 'server has no care plans yet' };
const NOTES = ACCESS.skip ? ACCESS : serverHasPaths(['/api/v1/cases/{id}/notes']) ? {} : { skip: 'server has no notes yet' };
const DASHBOARD = CARE_PLANS.skip ? CARE_PLANS : serverHasPaths(['/api/v1/dashboard']) ? {} : { skip: 'server has no dashboard yet' };
const ALERTS = ACCESS.skip
  ? ACCESS
  : serverHasPaths(['/api/v1/alerts', '/api/v1/alerts/{id}/read', '/api/v1/me/notifications'])
    ? {}
    : { skip: 'server has no alerts yet' };
const ALERTS_AUDIT = AUDIT.skip ? AUDIT : DASHBOARD.skip ? DASHBOARD : ALERTS;

const SUPERVISION = ACCESS.skip
  ? ACCESS
  : serverHasPaths([
        '/api/v1/reviews/sample',
        '/api/v1/supervision',
        '/api/v1/cases/{id}/quality-reviews',
        '/api/v1/cases/{id}/discussion',
        '/api/v1/cases/{id}/supervision-notes',
      ])
    ? {}
    : { skip: 'server has no review samples, quality reviews or supervision notes yet' };
const SUPERVISION_NOTES = NOTES.skip ? NOTES : SUPERVISION;
const NEXT_CONTACT = NOTES.skip
  ? NOTES
  : serverHasMember('NoteRequest', 'next_contact_on')
    ? {}
    : { skip: 'server does not take a planned next contact on notes yet' };
const PANELS = CARE_PLANS.skip
  ? CARE_PLANS
  : serverHasPaths(['/api/v1/cases/{id}/panel-decisions'])
    ? {}
    : { skip: 'server has no panel decisions yet' };
const SUPERVISION_AUDIT = AUDIT.skip ? AUDIT : SUPERVISION;

// ---------------------------------------------------------------------------------------------
// The form, driven from the configuration the server sends (the ids are the configuration's)

/** A valid API value for a field (docs/API.md, "Field values"), for cases made through the API. */
function apiValue(config, field) {
  const text = (t) => (field.max_length ? t.slice(0, field.max_length) : t);
  switch (field.type) {
    case 'short_text':
      return field.pattern ? sampleForPattern(field.pattern) : text('Sample text');
    case 'long_text':
      return text('Recorded for the browser test.');
    case 'number': {
      let value = Math.max(field.min ?? 0, Math.min(field.max ?? 10, 10));
      return field.integer ? Math.ceil(value) : value;
    }
    case 'date':
      return daysFromToday(-3650);
    case 'date_time':
      return new Date(Date.now() - 2 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'yes_no':
      return true;
    case 'single_select':
      return config.option_lists.find((l) => l.id === field.option_list).options[0].id;
    case 'multi_select':
      return [config.option_lists.find((l) => l.id === field.option_list).options[0].id];
    case 'location': {
      const level = field.min_level ?? 'region';
      return config.locations.find((l) => l.level === level).code;
    }
    case 'repeating_group': {
      const item = {};
      for (const member of field.fields) item[member.id] = apiValue(config, member);
      return Array.from({ length: Math.max(1, field.min_items ?? 0) }, () => ({ ...item }));
    }
    default:
      throw new Error(`no value for a ${field.type} field`);
  }
}

// ---------------------------------------------------------------------------------------------
// The story

describe('a case worker in the browser', { timeout: 300_000 }, () => {
  let story; // the server, the app and the browser (see openStory)
  let origin;
  let page;
  let config;
  let caseType;
  let caseNumber;
  let caseId;
  let birth;
  let groupNumber; // { path, field }: a number inside a repeating group's first entry
  let gbvCase; // { id, number, hidden: [field ids withheld from the supervisor] }

  /** A screenshot of the whole page, or (for a dialog) of what the viewport shows; a step of
   * the story (once one fails, the rest are skipped rather than failing after it). */
  const { screenshot, step } = storySteps({ page: () => page, artifacts: ARTIFACTS });

  const assertAccessible = (where) => checkAccessible(page, where);

  /** Sign out (when signed in) and sign in as someone else, through the UI. */
  const signInAs = (username, heading) => signInThroughUi(page, username, heading);

  /** Choose a person in a type-ahead picker by typing part of their name. */
  const pickPerson = async (id, name) => {
    const input = page.locator(`#${id}`);
    await input.fill(name.slice(0, 6));
    const option = page.locator(`#${id}--list [role=option]`, { hasText: name });
    await option.first().waitFor();
    await option.first().click();
    assert.match(await input.inputValue(), new RegExp(name));
  };

  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // This story signs people in with a password alone; the second factor has its own story.
    story = await openStory({
      prefix: 'caseward-browser-',
      people: [{ username: 'worker1', displayName: 'Worker One', role: 'case_worker' }, ...PEOPLE],
    });
    ({ origin, page } = story);
  });

  after(() => story?.close());

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
      await fillValid(page, field, field.id);
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
      await addEntry(page, domId(group.id), 0);
      for (const required of group.fields.filter((m) => m.required && m.id !== member.id)) {
        await fillValid(page, required, `${group.id}[0].${required.id}`);
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
    // Focus moves after the render that shows the errors: wait for it rather than racing it.
    await page
      .waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true', null, { timeout: 5_000 })
      .catch(() => {});
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

  // -------------------------------------------------------------------------------------------
  // Access control (docs/API.md, "Access control endpoints")

  step('an administrator sees the Users page, no case screen, and makes a team', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs('admin1', 'Users');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'My cases' }).count(), 0, 'no case list in the navigation');
    await nav.getByRole('link', { name: 'Teams' }).waitFor();
    const rows = page.locator('#users-table tbody tr');
    await rows.nth(PEOPLE.length).waitFor();
    assert.ok((await rows.count()) >= 1 + PEOPLE.length, 'every user is listed');
    assert.match(await page.locator('#users-table').innerText(), /worker1[\s\S]*Case worker/);
    await screenshot('admin-users');
    await assertAccessible('the users page');

    // A case's address sends an administrator to their own page, not to a case screen.
    await page.goto(`${origin}/#/cases/${caseId}`);
    await page.waitForFunction(() => location.hash === '#/admin/users');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    assert.equal(await page.locator('#case-number, form.case-form, table.cases a.case-link').count(), 0, 'no case UI');

    // The team: Supervisor One over Worker One and Worker Two, every case type.
    await nav.getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    await page.locator('#team-create-open').click();
    await page.locator('#team-dialog').waitFor();
    await page.locator('#team-name').fill('North team');
    await page.locator('#team-supervisor').selectOption({ label: 'Supervisor One (super1)' });
    await assertAccessible('the new-team dialog');
    await page.locator('#team-dialog button[type=submit]').click();
    const card = page.locator('.team-card', { hasText: 'North team' });
    await card.waitFor();
    const picker = await card.locator('.member-add input[role=combobox]').getAttribute('id');
    for (const name of ['Worker One', 'Worker Two']) {
      await pickPerson(picker, name);
      await card.locator('.member-add button[type=submit]').click();
      await card.locator('.member-list', { hasText: name }).waitFor();
    }
    assert.match(await card.innerText(), /Supervisor One/);
    await screenshot('admin-teams');
    await assertAccessible('the teams page');
  }, ACCESS);

  step('a supervisor sees a team member\'s GBV case with [Restricted] in place of protected values', async () => {
    // Worker One opens a GBV case through the API, with every protected field of its first
    // stage filled in.
    const gbv = config.case_types.find((c) => c.domain === 'gbv');
    assert.ok(gbv, 'the configuration has a GBV case type');
    const shown = gbv.sections.filter((s) => s.stage == null || s.stage === gbv.stages[0]).flatMap((s) => s.fields);
    const fields = {};
    for (const field of shown.filter((f) => f.required || f.classification !== 'standard')) fields[field.id] = apiValue(config, field);
    const worker = await apiSession(origin, 'worker1');
    const created = await worker('POST', '/api/v1/cases', { case_type: gbv.id, intensity: 1, fields });
    assert.equal(created.status, 201, `the GBV case is created: ${JSON.stringify(created.body)}`);
    const hidden = shown.filter((f) => f.classification !== 'standard').map((f) => f.id);
    gbvCase = { id: created.body.id, number: created.body.case_number, hidden };

    await signInAs('super1', 'My cases');
    await page.getByRole('link', { name: gbvCase.number }).click();
    await page.locator('#case-number').waitFor();
    assert.equal((await page.locator('#case-relationship').innerText()).trim(), 'Team supervisor');
    for (const id of hidden) {
      const placeholder = page.locator(`#${domId(id)}`);
      assert.match(await placeholder.innerText(), /\[Restricted\]/, `${id} shows [Restricted]`);
      assert.equal(await page.locator(`:is(input, select, textarea)[id^="${domId(id)}"]`).count(), 0, `${id} has no input`);
    }
    // Standard values are there to read and work with.
    const standard = shown.find((f) => f.classification === 'standard' && f.type === 'long_text' && fields[f.id]);
    if (standard) assert.equal(await page.locator(`#${domId(standard.id)}`).inputValue(), fields[standard.id]);
    // The placeholder says why, on focus.
    const first = page.locator(`#${domId(hidden[0])}`);
    await first.focus();
    const why = page.locator(`#${domId(hidden[0])}--why`);
    await why.waitFor();
    assert.match(await why.innerText(), /visible only to the assigned case worker/);
    await screenshot('supervisor-gbv-restricted');
    await assertAccessible('a GBV case seen by the supervisor');

    // The supervisor may reassign within the team: the dialog lists the team with caseloads.
    await page.locator('#reassign-open').click();
    await page.locator('#reassign-dialog .assignable').waitFor();
    assert.match(await page.locator('#reassign-dialog').innerText(), /Worker Two[\s\S]*Caseload/);
    await screenshot('supervisor-reassign-dialog', { fullPage: false });
    await assertAccessible('the reassign dialog');
    await page.locator('#reassign-dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#reassign-dialog').waitFor({ state: 'detached' });
  }, ACCESS);

  step('the worker shares a case with a colleague, who then finds it in their list', async () => {
    await signInAs('worker1', 'My cases');
    await page.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number').waitFor();
    await page.locator('#access-panel > summary').click();
    await page.locator('#share-open').click();
    await page.locator('#share-dialog').waitFor();
    await pickPerson('share-user', 'Worker Two');
    await page.locator('#share-reason').fill('Joint home visits with the education team.');
    // A wrong password is refused at the field, and the worker stays signed in.
    await page.locator('#share-password').fill('not my password');
    await page.locator('#share-dialog button[type=submit]').click();
    await page.locator('#share-password--error').waitFor();
    assert.match(await page.locator('#share-password--error').innerText(), /not correct/);
    assert.equal(await page.locator('#username').count(), 0, 'still signed in');
    await page.locator('#share-password').fill(PASSWORD);
    await screenshot('share-dialog', { fullPage: false });
    await assertAccessible('the share dialog');
    await page.locator('#share-dialog button[type=submit]').click();
    await page.locator('#share-dialog').waitFor({ state: 'detached' });
    await page.locator('#share-list', { hasText: 'Worker Two' }).waitFor();
    await screenshot('case-shared');
    await assertAccessible('the access panel');

    await signInAs('worker2', 'My cases');
    const link = page.getByRole('link', { name: caseNumber });
    await link.waitFor();
    await screenshot('colleague-list');
    await link.click();
    await page.locator('#case-number').waitFor();
    assert.equal((await page.locator('#case-relationship').innerText()).trim(), 'Shared with you');
  }, ACCESS);

  step('sharing a survivor\'s case without consent is refused; an emergency override is recorded and shown', async () => {
    // No consent of the GBV case's survivor names Worker Two.
    await signInAs('worker1', 'My cases');
    await page.getByRole('link', { name: gbvCase.number }).click();
    await page.locator('#case-number').waitFor();
    await page.locator('#access-panel > summary').click();
    await page.locator('#share-open').click();
    await page.locator('#share-dialog').waitFor();
    await pickPerson('share-user', 'Worker Two');
    await page.locator('#share-reason').fill('Medical follow-up at the health centre.');
    assert.equal(await page.locator('#share-override-on').count(), 0, 'no override before a refusal');
    await page.locator('#share-password').fill(PASSWORD);
    await page.locator('#share-dialog button[type=submit]').click();

    // The refusal, and the override on offer (its reason hidden until chosen).
    const refusal = page.locator('#share-refused');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /No recorded consent allows sharing this survivor's case with Worker Two/);
    assert.equal(await page.locator('#share-override').count(), 0, 'the reason appears only once the override is chosen');
    assert.equal(await page.locator('#share-password').inputValue(), '', 'the password is asked again');
    const choice = page.locator('#share-override-on');
    assert.match(await page.locator('label[for=share-override-on]').innerText(), /Share anyway in an emergency/);
    assert.match(await page.locator('#share-override-on--help').innerText(), /risk to life or mandatory reporting[\s\S]*recorded[\s\S]*restricted information stays hidden/);
    await screenshot('share-no-consent', { fullPage: false });
    await assertAccessible('the share dialog refusing for want of consent');

    // Choosing the override asks for its reason, which is required.
    await choice.check();
    const override = page.locator('#share-override');
    await override.waitFor();
    assert.equal(await override.getAttribute('required'), '', 'the override reason is required');
    assert.match(await page.locator('label[for=share-override]').innerText(), /Reason for overriding the survivor's consent/);
    await page.locator('#share-password').fill(PASSWORD);
    await page.locator('#share-dialog button[type=submit]').click();
    await page.locator('#share-override--error').waitFor();
    assert.equal(await override.getAttribute('aria-invalid'), 'true');

    const why = 'Risk to life: the survivor was admitted to hospital tonight.';
    await override.fill(why);
    await screenshot('share-override', { fullPage: false });
    await assertAccessible('the share dialog with the emergency override');
    await page.locator('#share-dialog').getByRole('button', { name: 'Share without consent' }).click();
    await page.locator('#share-dialog').waitFor({ state: 'detached' });

    // The share list marks the override with its reason; the server recorded it.
    const item = page.locator('#share-list > li.overridden', { hasText: 'Worker Two' });
    await item.waitFor();
    const marked = await item.locator('.access-override').innerText();
    assert.ok(marked.includes(`Shared without consent: ${why}`), `the share says it overrode the consent: ${marked}`);
    const access = await page.evaluate((id) => fetch(`/api/v1/cases/${id}/access`).then((r) => r.json()), gbvCase.id);
    const share = access.shares.find((s) => s.user.username === 'worker2');
    assert.equal(share?.consent_override_reason, why);
    await item.scrollIntoViewIfNeeded();
    await screenshot('share-overridden', { fullPage: false });
    await assertAccessible('the access panel with an overridden share');
  }, CONSENT_OVERRIDE);

  step('a case address opened by someone without access shows the not-found page', async () => {
    await signInAs('outsider1', 'My cases');
    await page.goto(`${origin}/#/cases/${caseId}`);
    await page.locator('#case-not-found').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Case not found' }).waitFor();
    assert.match(await page.locator('#case-not-found').innerText(), /may not exist, or you may not have access/);
    assert.equal(await page.locator('#case-number').count(), 0);
    await screenshot('not-found');
    await assertAccessible('the not-found page');
  }, ACCESS);

  // -------------------------------------------------------------------------------------------
  // Custom roles (config/roles.toml): what the app offers follows the role's permissions

  step('an administrator gives a new user the custom role "Team lead", who then works with cases', async () => {
    await signInAs('admin1', 'Users');
    await page.locator('#user-create-open').click();
    await page.locator('#user-create-dialog').waitFor();
    await page.locator('#new-username').fill('lead1');
    await page.locator('#new-display-name').fill('Lead One');
    await page.locator('#new-role').selectOption({ label: 'Team lead' });
    // What the role allows is said under the select, and read with it.
    const allows = page.locator('#new-role--permissions');
    await allows.filter({ hasText: /hold and work on cases and see their team's workload/ }).waitFor();
    assert.match((await page.locator('#new-role').getAttribute('aria-describedby')) ?? '', /new-role--permissions/);
    await page.locator('#new-password').fill(PASSWORD);
    await page.locator('#new-confirm').fill(PASSWORD);
    await screenshot('admin-new-user-team-lead', { fullPage: false });
    await assertAccessible('the new-user dialog with a custom role');
    await page.locator('#user-create-dialog button[type=submit]').click();
    await page.locator('#user-create-dialog').waitFor({ state: 'detached' });
    await page.locator('#users-table tbody tr', { hasText: 'lead1' }).filter({ hasText: 'Team lead' }).waitFor();

    await signInAs('lead1', 'My cases');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My cases' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: /^(Users|Teams)$/ }).count(), 0, 'no administration in the navigation');
    await screenshot('team-lead-cases');
  }, CUSTOM_ROLES);

  step('a monitoring and evaluation officer lands on aggregate reports, small counts suppressed, and sees no case screen', async () => {
    const admin = await apiSession(origin, 'admin1');
    const created = await admin('POST', '/api/v1/users', {
      username: 'mande1',
      display_name: 'Monitor One',
      role: 'me_officer',
      password: PASSWORD,
      confirm_password: PASSWORD,
    });
    assert.equal(created.status, 201, `the M&E officer is created: ${JSON.stringify(created.body)}`);
    assert.deepEqual(created.body.permissions, ['view_aggregate_reports']);

    const reportRead = (r) => r.url().includes('/api/v1/reports/cases?') && r.request().method() === 'GET';
    let read = page.waitForResponse(reportRead);
    await signInAs('mande1', 'Aggregate reports');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Reports'], 'reports and nothing else');
    // The first report: open cases by stage and case type, from the server's own counts.
    let answer = await read;
    assert.equal(answer.status(), 200, `the report is read: ${await answer.text()}`);
    let report = await answer.json();
    assert.equal(report.rows_axis, 'stage');
    assert.equal(report.columns_axis, 'case_type');
    await page.getByRole('table', { name: 'Cases by Stage and Case type', exact: true }).waitFor();

    // By sex: the story's few cases are each a count below five, shown as "suppressed", and so
    // is the total that would give them away; no number below five is shown.
    read = page.waitForResponse(reportRead);
    await page.locator('#report-rows').selectOption({ label: 'Sex' });
    await page.locator('#report-columns').selectOption({ label: 'None (one column)' });
    await page.locator('#report-status').selectOption('all');
    await page.locator('#report-show').click();
    answer = await read;
    report = await answer.json();
    assert.equal(report.rows_axis, 'sex');
    await page.getByRole('table', { name: 'Cases by Sex', exact: true }).waitFor();
    await page.waitForFunction(() => location.hash.includes('rows=sex'));
    const table = page.locator('#report-table');
    const counted = report.cells.flat().filter((n) => n !== null && n > 0);
    assert.ok(counted.every((n) => n >= 5), `only counts of five or more are shown: ${JSON.stringify(report)}`);
    if (report.total === null) assert.equal((await page.locator('#report-total').innerText()).trim(), 'suppressed');
    assert.ok((await table.getByText('suppressed').count()) > 0, 'the story has cases, each a small count');
    await page.locator('#report-note').filter({ hasText: /Counts below 5 are suppressed/ }).waitFor();
    await screenshot('me-officer-report');
    await assertAccessible('an aggregate report with suppressed counts');

    // A bad month is named at its input.
    await page.locator('#report-from').fill('2026-13');
    await page.locator('#report-show').click();
    await page.locator('#report-from[aria-invalid=true]').waitFor();

    // No case screen: a case's address leads back to the reports.
    await page.goto(`${origin}/#/cases/${caseId}`);
    await page.waitForFunction(() => location.hash.startsWith('#/reports'));
    await page.getByRole('heading', { level: 1, name: 'Aggregate reports' }).waitFor();
    assert.equal(await page.locator('#case-number, form.case-form').count(), 0, 'no case UI');
  }, CUSTOM_ROLES);

  // -------------------------------------------------------------------------------------------
  // Agencies, and handing a case over to a colleague it is shared with ("share to own")

  const AGENCY = 'North Valley Outreach';

  step('an administrator adds an agency and puts a user into it', async () => {
    await signInAs('admin1', 'Users');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Agencies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Agencies' }).waitFor();
    await page.locator('#agency-create-open').click();
    await expectFocus(page, 'agency-name');
    await page.locator('#agency-name').fill(AGENCY);
    await page.locator('#agency-dialog button[type=submit]').click();
    await page.locator('#agency-dialog').waitFor({ state: 'detached' });
    await page.locator('#agencies-table tbody tr', { hasText: AGENCY }).waitFor();
    // The same name in other capitals is refused at the field.
    await page.locator('#agency-create-open').click();
    await expectFocus(page, 'agency-name');
    await page.locator('#agency-name').fill(AGENCY.toUpperCase());
    await page.locator('#agency-dialog button[type=submit]').click();
    await page.locator('#agency-name--error', { hasText: 'another agency has this name' }).waitFor();
    await expectFocus(page, 'agency-name');
    await assertAccessible('the new-agency dialog refusing a name in use');
    await page.locator('#agency-dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#agency-dialog').waitFor({ state: 'detached' });
    await screenshot('admin-agencies');
    await assertAccessible('the agencies page');

    // Worker Two works for it, as the users table then says.
    await nav.getByRole('link', { name: 'Users' }).click();
    const row = page.locator('#users-table tbody tr', { hasText: 'worker2' });
    await row.getByRole('button', { name: 'Edit' }).click();
    await expectFocus(page, 'edit-display-name');
    await page.locator('#edit-agency').selectOption({ label: AGENCY });
    await page.locator('#edit-confirm').fill(PASSWORD);
    await page.locator('#user-edit-dialog button[type=submit]').click();
    await page.locator('#user-edit-dialog').waitFor({ state: 'detached' });
    await row.filter({ hasText: AGENCY }).waitFor();
  }, AGENCIES);

  step('the worker shares a case with a colleague, hands it over, and no longer finds it', async () => {
    // A Child Protection case of Worker One's, made through the API.
    const fields = {};
    for (const field of newCaseFields().filter((f) => f.required)) fields[field.id] = apiValue(config, field);
    const worker = await apiSession(origin, 'worker1');
    const created = await worker('POST', '/api/v1/cases', { case_type: caseType.id, intensity: 1, fields });
    assert.equal(created.status, 201, `the case is created: ${JSON.stringify(created.body)}`);
    const number = created.body.case_number;

    await signInAs('worker1', 'My cases');
    await page.getByRole('link', { name: number }).click();
    await page.locator('#case-number').waitFor();
    await page.locator('#access-panel > summary').click();
    // Nobody to hand it to before it is shared.
    await page.locator('#handover-hint', { hasText: 'first share it' }).waitFor();
    assert.equal(await page.locator('#handover-open').count(), 0);
    await page.locator('#share-open').click();
    await expectFocus(page, 'share-user');
    // The picker says whom each person works for.
    await page.locator('#share-user').fill('Worker T');
    const option = page.locator('#share-user--list [role=option]', { hasText: 'Worker Two' });
    await option.filter({ hasText: AGENCY }).waitFor();
    await option.click();
    await page.locator('#share-reason').fill('Worker Two takes the family over while I am on leave.');
    await page.locator('#share-password').fill(PASSWORD);
    await page.locator('#share-dialog button[type=submit]').click();
    await page.locator('#share-dialog').waitFor({ state: 'detached' });
    await page.locator('#share-list', { hasText: 'Worker Two' }).waitFor();

    await page.locator('#handover-open').click();
    await page.locator('#handover-dialog').waitFor();
    await page.locator('#handover-dialog').getByLabel(/Worker Two/).check();
    await page.locator('#handover-reason').fill('I go on leave for three months.');
    await page.locator('#handover-password').fill(PASSWORD);
    await screenshot('handover-dialog', { fullPage: false });
    await assertAccessible('the hand-over dialog');
    await page.locator('#handover-dialog button[type=submit]').click();

    // The list says to whom, and the case has left it.
    await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    const notice = page.locator('#list-notice', { hasText: 'is now handed over to Worker Two' });
    await notice.waitFor();
    assert.ok((await notice.innerText()).includes(number), 'the notice names the case');
    await page.locator('table.cases a.case-link').first().waitFor();
    assert.equal(await page.getByRole('link', { name: number }).count(), 0, 'the case is no longer in the list');
    await screenshot('handed-over');
    await assertAccessible('the case list after a hand-over');
    assert.equal((await worker('GET', `/api/v1/cases/${created.body.id}`)).status, 404, 'the former worker no longer reaches the case');
  }, HANDOVER);

  // -------------------------------------------------------------------------------------------
  // The audit trail: an auditor searches and exports it; a case's worker reads its access log

  step('an auditor lands on the audit trail, finds a worker opening a case, and exports it with a reason', async () => {
    const admin = await apiSession(origin, 'admin1');
    const created = await admin('POST', '/api/v1/users', {
      username: 'auditor1',
      display_name: 'Auditor One',
      role: 'auditor',
      password: PASSWORD,
      confirm_password: PASSWORD,
    });
    assert.equal(created.status, 201, `the auditor is created: ${JSON.stringify(created.body)}`);
    assert.deepEqual(created.body.permissions, ['read_audit_trail']);

    await signInAs('auditor1', 'Audit trail');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Audit trail' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: /^(My cases|Users|Teams)$/ }).count(), 0, 'nothing but the audit trail');
    assert.match(await page.locator('#audit-no-values').innerText(), /never hold what a case contains/);
    await page.locator('#audit-table').waitFor();

    // Only openings of cases: Worker One's of the first case are there, in words.
    await page.locator('#audit-action').selectOption('case.read');
    const searched = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes('action=case.read'));
    await page.locator('#audit-filters button[type=submit]').click();
    assert.equal((await searched).status(), 200);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#audit-table tbody tr')];
      return !document.querySelector('.results.stale') && rows.length > 0 && rows.every((r) => r.innerText.includes('case.read'));
    });
    const row = page.locator('#audit-table tbody tr', { hasText: 'Worker One' }).filter({ hasText: caseId }).first();
    assert.match(await row.innerText(), /Open a case[\s\S]*Allowed[\s\S]*Web app/);
    await screenshot('audit-trail');
    await assertAccessible('the audit trail');
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the audit trail does not scroll sideways on a phone');
    await screenshot('audit-trail-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The export asks for a reason, then downloads the same entries as CSV.
    await page.locator('#audit-export-open').click();
    await expectFocus(page, 'audit-export-reason');
    assert.match(await page.locator('#audit-export-filters').innerText(), /Action: Open a case/);
    await page.locator('#audit-export-dialog button[type=submit]').click();
    await page.locator('#audit-export-reason--error').waitFor();
    await assertAccessible('the export dialog asking for a reason');
    const reason = 'Review of complaint 14 about who opened the case.';
    await page.locator('#audit-export-reason').fill(reason);
    // The browser hands an attachment's body to its download, not to the test: the test reads
    // it on its way, passing the server's answer through unchanged.
    let csv = '';
    await page.route('**/api/v1/audit/export?**', async (route) => {
      const answer = await route.fetch();
      csv = await answer.text();
      await route.fulfill({ response: answer });
    });
    const exported = page.waitForResponse((r) => r.url().includes('/api/v1/audit/export?'));
    await page.locator('#audit-export-dialog button[type=submit]').click();
    const response = await exported;
    await page.unroute('**/api/v1/audit/export?**');
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'] ?? '', /^text\/csv/);
    const asked = new URL(response.url()).searchParams;
    assert.equal(asked.get('action'), 'case.read');
    assert.equal(asked.get('reason'), reason);
    const lines = csv.trim().split('\n');
    assert.match(lines[0], /^seq,at,actor,actor_role,action,outcome,case_id,/);
    assert.ok(lines.length > 1 && lines.slice(1).every((l) => l.includes('"case.read"')), 'only openings of cases');
    assert.ok(lines.some((l) => l.includes('"worker1"') && l.includes(caseId)), 'Worker One opening the case is exported');
    await page.locator('#audit-export-dialog').waitFor({ state: 'detached' });
    await page.locator('#audit-notice', { hasText: 'recorded with your reason' }).waitFor();
    const trail = await page.evaluate(() => fetch('/api/v1/audit?action=audit.export&limit=1').then((r) => r.json()));
    assert.equal(trail.entries[0]?.reason, reason, 'the export is recorded with its reason');
    assert.equal(trail.entries[0]?.client, 'web');

    // A name in the table narrows the trail to that person.
    await row.getByRole('button', { name: /Worker One/ }).click();
    await page.locator('#audit-person', { hasText: 'Worker One' }).waitFor();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#audit-table tbody tr')];
      return !document.querySelector('.results.stale') && rows.length > 0 && rows.every((r) => r.innerText.includes('worker1'));
    });
  }, AUDIT);

  step('the assigned worker opens the case access log and finds their own entries and a refusal', async () => {
    await signInAs('worker1', 'My cases');
    await page.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number').waitFor();
    assert.equal(await page.locator('#access-log-table').count(), 0, 'the log loads only when opened');
    await page.locator('#access-log > summary').click();
    const rows = page.locator('#access-log-table tbody tr');
    await rows.filter({ hasText: 'Worker One' }).filter({ hasText: 'Open a case' }).first().waitFor();
    assert.ok((await rows.filter({ hasText: 'Worker One' }).filter({ hasText: 'Change a case' }).count()) > 0, 'the worker\'s edits are listed');
    // The outsider who opened the case's address was refused, and that is listed too.
    await rows.filter({ hasText: 'Outsider Three' }).filter({ hasText: 'Refused' }).first().waitFor();
    assert.match(await page.locator('#access-log-intro').innerText(), /never their values/);
    assert.ok(!(await page.locator('#access-log').innerText()).includes('Changed by a colleague.'), 'no value in the log');
    await page.locator('#access-log').scrollIntoViewIfNeeded();
    await screenshot('case-access-log', { fullPage: false });
    await assertAccessible('the case access log');
  }, AUDIT);

  // -------------------------------------------------------------------------------------------
  // A case's documents: upload, list, download; refused types and sizes; withheld documents

  /** A small PDF, made here: what the server checks is that it starts as a PDF does. */
  const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  const PDF_NAME = 'Home visit assessment – été.pdf';

  /** Open the first case's Documents panel, as whoever is signed in, and wait for its list. */
  const openDocuments = async () => {
    await page.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number').waitFor();
    const listed = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${caseId}/attachments`) && r.request().method() === 'GET');
    await page.locator('#attachments-panel > summary').click();
    assert.equal((await listed).status(), 200);
    await page.locator('#attachments-panel .results').waitFor();
  };

  step('the worker uploads a PDF to a case, finds it listed, and downloads the same bytes', async () => {
    await signInAs('worker1', 'My cases');
    await openDocuments();
    await page.locator('#attachments-empty', { hasText: 'No document is attached to this case.' }).waitFor();
    const input = page.locator('#attachment-file');
    assert.equal(await input.getAttribute('accept'), config.attachments.media_types.join(','));
    assert.match(await page.locator('#attachment-file--help').innerText(), /PDF[\s\S]*at most \d+ MiB/);
    assert.equal(await page.locator('#attachment-classification').inputValue(), 'restricted', 'restricted by default');

    // Nothing chosen: refused at the fields, before anything is sent.
    await page.locator('#attachment-upload').click();
    await page.locator('#attachment-file--error', { hasText: 'choose a file' }).waitFor();
    await page.locator('#attachment-kind--error', { hasText: 'choose the kind of document' }).waitFor();
    await expectFocus(page, 'attachment-file');

    await input.setInputFiles({ name: PDF_NAME, mimeType: 'application/pdf', buffer: PDF });
    await page.locator('#attachment-kind').selectOption('assessment');
    const uploaded = page.waitForResponse((r) => r.url().includes(`/api/v1/cases/${caseId}/attachments?`) && r.request().method() === 'POST');
    await page.locator('#attachment-upload').click();
    const answer = await uploaded;
    assert.equal(answer.status(), 201);
    const sent = answer.request();
    assert.equal(sent.headers()['content-type'], 'application/pdf');
    assert.equal(sent.headers()['x-caseward-file-name'], encodeURIComponent(PDF_NAME));
    const asked = new URL(sent.url()).searchParams;
    assert.equal(asked.get('kind'), 'assessment');
    assert.equal(asked.get('classification'), 'restricted');

    // Listed, once the list is fetched again, with its kind, classification, size and uploader.
    await page.locator('#attachments-notice', { hasText: 'is attached to the case' }).waitFor();
    const row = page.locator('#attachments-table tbody tr', { hasText: PDF_NAME });
    await row.waitFor();
    assert.match(await row.innerText(), /Assessment[\s\S]*Restricted[\s\S]*\d+ (byte|B)[\s\S]*Worker One/);
    assert.equal(await input.inputValue(), '', 'the file input is cleared');
    await page.locator('#attachments-panel').scrollIntoViewIfNeeded();
    await screenshot('documents-uploaded', { fullPage: false });
    await assertAccessible('the documents panel with a document');

    // The download is the file as uploaded, under its own name.
    const link = row.getByRole('link', { name: PDF_NAME });
    const downloading = page.waitForEvent('download');
    await link.click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), PDF_NAME);
    const saved = readFileSync(await download.path());
    assert.ok(saved.equals(PDF), 'the downloaded bytes are the uploaded ones');
  }, ATTACHMENTS);

  step('a file of a type not accepted, or too large, is refused at the file input', async () => {
    // An HTML page: the server refuses its type (415), and the page says so at the input.
    await page.locator('#attachment-file').setInputFiles({ name: 'notes.html', mimeType: 'text/html', buffer: Buffer.from('<!doctype html><p>notes</p>') });
    await page.locator('#attachment-kind').selectOption('other');
    const refused = page.waitForResponse((r) => r.url().includes(`/api/v1/cases/${caseId}/attachments?`) && r.request().method() === 'POST');
    await page.locator('#attachment-upload').click();
    assert.equal((await refused).status(), 415);
    const error = page.locator('#attachment-file--error');
    await error.waitFor();
    assert.match(await error.innerText(), /this type of file is not accepted: choose PDF/);
    assert.equal(await page.locator('#attachment-file').getAttribute('aria-invalid'), 'true');
    await expectFocus(page, 'attachment-file');
    await screenshot('documents-refused-type', { fullPage: false });
    await assertAccessible('the upload form refusing a type');

    // Above the configuration's limit: refused in the browser, with the limit in MiB, and never sent.
    let posted = 0;
    const count = (request) => {
      if (request.method() === 'POST' && request.url().includes('/attachments')) posted += 1;
    };
    page.on('request', count);
    await page.evaluate((size) => {
      const input = document.getElementById('attachment-file');
      const files = new DataTransfer();
      files.items.add(new File([new Uint8Array(size)], 'scan.pdf', { type: 'application/pdf' }));
      input.files = files.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, config.attachments.max_bytes + 1);
    await page.locator('#attachment-upload').click();
    const mib = Math.ceil(config.attachments.max_bytes / (1024 * 1024));
    await page.locator('#attachment-file--error', { hasText: `larger than ${mib} MiB` }).waitFor();
    page.off('request', count);
    assert.equal(posted, 0, 'a file above the limit is not sent');
    assert.equal(await page.locator('#attachments-table tbody tr').count(), 1, 'nothing was added');

    // The worker's access log names the document's upload and download.
    await page.locator('#access-log > summary').click();
    const entries = page.locator('#access-log-table tbody tr', { hasText: 'Worker One' });
    await entries.filter({ hasText: 'Add a document to a case' }).first().waitFor();
    await entries.filter({ hasText: 'Download a document' }).first().waitFor();
  }, ATTACHMENTS);

  step('the team supervisor sees that a restricted document is withheld from them', async () => {
    await signInAs('super1', 'My cases');
    await openDocuments();
    const withheld = page.locator('#attachments-withheld');
    await withheld.waitFor();
    assert.match(await withheld.innerText(), /1 more document is withheld from you/);
    assert.equal(await page.locator('#attachments-table').count(), 0, 'no document is listed');
    assert.ok(!(await page.locator('#attachments-panel').innerText()).includes(PDF_NAME), 'not even its name');
    await page.locator('#attachments-panel').scrollIntoViewIfNeeded();
    await screenshot('documents-withheld', { fullPage: false });
    await assertAccessible('the documents panel with a withheld document');

    // The form offers the classifications the server says this user may attach: a supervisor
    // who may change the case could not see a restricted document, so only standard is offered.
    const { access } = await page.evaluate((id) => fetch(`/api/v1/cases/${id}`).then((r) => r.json()), caseId);
    assert.deepEqual(access.attachable, access.may_update ? ['standard'] : []);
    assert.equal(await page.locator('#attachment-form').count(), access.attachable.length ? 1 : 0);
    if (access.attachable.length) {
      assert.deepEqual(await page.locator('#attachment-classification option').evaluateAll((o) => o.map((x) => x.value)), ['standard']);
      assert.equal(await page.locator('#attachment-classification').inputValue(), 'standard');
      // Sent anyway (an out-of-date page, a hand-made request), a restricted one is refused,
      // and the refusal names the classification.
      const refused = await page.evaluate(async ({ id, pdf }) => {
        const response = await fetch(`/api/v1/cases/${id}/attachments?kind=other&classification=restricted`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/pdf', 'X-Caseward-File-Name': 'notes.pdf' },
          body: new Uint8Array(pdf),
        });
        return { status: response.status, body: await response.json() };
      }, { id: caseId, pdf: [...PDF] });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.errors[0].field, 'classification');
      await screenshot('documents-supervisor-form', { fullPage: false });
      await assertAccessible('the upload form for a supervisor');
    }
  }, ATTACHMENTS);

  step('the worker opens the restricted documents to a colleague, who then sees the document', async () => {
    await signInAs('worker1', 'My cases');
    await page.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number').waitFor();
    await page.locator('#access-panel > summary').click();
    await page.locator('#grant-open').click();
    await page.locator('#grant-dialog').waitFor();
    await page.locator('#grant-field').selectOption({ label: 'Attachments (restricted documents)' });
    await pickPerson('grant-user', 'Worker Two');
    await page.locator('#grant-reason').fill('Worker Two runs the joint home visits.');
    await page.locator('#grant-password').fill(PASSWORD);
    await assertAccessible('the grant dialog offering the documents');
    await page.locator('#grant-dialog button[type=submit]').click();
    await page.locator('#grant-dialog').waitFor({ state: 'detached' });
    await page.locator('#grant-list', { hasText: 'Attachments (restricted documents)' }).filter({ hasText: 'Worker Two' }).waitFor();

    await signInAs('worker2', 'My cases');
    await openDocuments();
    await page.locator('#attachments-table tbody tr', { hasText: PDF_NAME }).waitFor();
    assert.equal(await page.locator('#attachments-withheld').count(), 0, 'nothing is withheld from them');
  }, ATTACHMENTS);

  // Removing a document: the assigned worker only, with a reason the trail keeps.

  /** A second small PDF, filed by mistake: the one the worker removes. */
  const DUPLICATE_NAME = 'Referral letter (duplicate).pdf';

  /** The Remove buttons of the Documents panel. */
  const removeButtons = () => page.locator('#attachments-panel').getByRole('button', { name: /^Remove/ });

  step('a colleague given the documents sees them, but has no Remove button', async () => {
    // Worker Two, with the Documents panel open since the step before.
    await page.locator('#attachments-table tbody tr', { hasText: PDF_NAME }).waitFor();
    assert.equal(await removeButtons().count(), 0, 'no Remove button for a colleague the case is shared with');
  }, ATTACHMENTS);

  step('the worker adds a second, standard document; the supervisor sees it but has no Remove button', async () => {
    await signInAs('worker1', 'My cases');
    await openDocuments();
    // The assigned worker is offered a Remove button on each document.
    await page.locator('#attachments-table tbody tr', { hasText: PDF_NAME }).getByRole('button', { name: `Remove ${PDF_NAME}` }).waitFor();
    await page.locator('#attachment-file').setInputFiles({ name: DUPLICATE_NAME, mimeType: 'application/pdf', buffer: PDF });
    await page.locator('#attachment-kind').selectOption('referral_letter');
    await page.locator('#attachment-classification').selectOption('standard');
    const uploaded = page.waitForResponse((r) => r.url().includes(`/api/v1/cases/${caseId}/attachments?`) && r.request().method() === 'POST');
    await page.locator('#attachment-upload').click();
    assert.equal((await uploaded).status(), 201);
    await page.locator('#attachments-table tbody tr', { hasText: DUPLICATE_NAME }).waitFor();
    assert.equal(await removeButtons().count(), 2, 'one Remove button per document');

    await signInAs('super1', 'My cases');
    await openDocuments();
    await page.locator('#attachments-table tbody tr', { hasText: DUPLICATE_NAME }).waitFor();
    assert.equal(await removeButtons().count(), 0, 'no Remove button for the team supervisor');
    // Sent anyway (a hand-made request), the removal is refused in words.
    const { items } = await page.evaluate((id) => fetch(`/api/v1/cases/${id}/attachments`).then((r) => r.json()), caseId);
    const duplicate = items.find((a) => a.name === DUPLICATE_NAME);
    const refused = await page.evaluate(async ({ id, attachment }) => {
      const response = await fetch(`/api/v1/cases/${id}/attachments/${attachment}`, {
        method: 'DELETE',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'Not mine to remove.' }),
      });
      return response.status;
    }, { id: caseId, attachment: duplicate.id });
    assert.equal(refused, 403);
  }, ATTACHMENTS);

  step('the assigned worker removes a document with a reason; it leaves the list and the access log records it', async () => {
    await signInAs('worker1', 'My cases');
    await openDocuments();
    const row = page.locator('#attachments-table tbody tr', { hasText: DUPLICATE_NAME });
    await row.getByRole('button', { name: `Remove ${DUPLICATE_NAME}` }).click();
    const dialog = page.locator('#remove-attachment-dialog');
    await dialog.waitFor();
    // The name is isolated (U+2068 … U+2069) from the words around it, as every name in a message.
    const unisolated = (text) => text.replace(/[\u2066-\u2069]/g, '');
    assert.equal(unisolated(await dialog.locator('h2').innerText()), `Remove ${DUPLICATE_NAME}`);
    const text = await dialog.innerText();
    assert.match(text, /The document and its file are deleted/);
    assert.match(text, /recorded in the audit trail with your name and the reason/);
    await expectFocus(page, 'remove-attachment-dialog-reason');

    // No reason: refused at the field, and nothing is sent.
    let deletes = 0;
    const count = (request) => {
      if (request.method() === 'DELETE' && request.url().includes('/attachments/')) deletes += 1;
    };
    page.on('request', count);
    await dialog.locator('button[type=submit]').click();
    await page.locator('#remove-attachment-dialog-reason--error', { hasText: 'give a reason' }).waitFor();
    page.off('request', count);
    assert.equal(deletes, 0, 'a removal without a reason is not sent');

    // A reason above the server's limit: its 422 is shown at the field.
    await page.locator('#remove-attachment-dialog-reason').fill('x'.repeat(501));
    const tooLong = page.waitForResponse((r) => r.url().includes(`/api/v1/cases/${caseId}/attachments/`) && r.request().method() === 'DELETE');
    await dialog.locator('button[type=submit]').click();
    assert.equal((await tooLong).status(), 422);
    await page.locator('#remove-attachment-dialog-reason--error', { hasText: 'at most 500 characters' }).waitFor();
    assert.equal(await page.locator('#remove-attachment-dialog-reason').getAttribute('aria-invalid'), 'true');
    await screenshot('documents-remove-dialog', { fullPage: false });
    await assertAccessible('the dialog removing a document');

    const reason = 'Filed twice: the referral letter is already attached.';
    await page.locator('#remove-attachment-dialog-reason').fill(reason);
    const removed = page.waitForResponse((r) => r.url().includes(`/api/v1/cases/${caseId}/attachments/`) && r.request().method() === 'DELETE');
    const relisted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${caseId}/attachments`) && r.request().method() === 'GET');
    await dialog.locator('button[type=submit]').click();
    const answer = await removed;
    assert.equal(answer.status(), 204);
    assert.deepEqual(answer.request().postDataJSON(), { reason });
    await dialog.waitFor({ state: 'detached' });
    const notice = page.locator('#attachments-notice', { hasText: 'is removed from the case.' });
    await notice.waitFor();
    assert.equal(unisolated(await notice.innerText()), `${DUPLICATE_NAME} is removed from the case.`);
    assert.equal((await relisted).status(), 200);
    await row.waitFor({ state: 'detached' });
    await page.locator('#attachments-table tbody tr', { hasText: PDF_NAME }).waitFor();
    assert.equal(await page.locator('#attachments-table tbody tr').count(), 1, 'the other document stays');
    await expectFocus(page, 'attachments-notice');
    // Its content is gone too.
    const removedId = new URL(answer.url()).pathname.split('/').pop();
    const gone = await page.evaluate((url) => fetch(url).then((r) => r.status), `/api/v1/cases/${caseId}/attachments/${removedId}`);
    assert.equal(gone, 404);

    // The case's access log lists the removal.
    await page.locator('#access-log > summary').click();
    await page
      .locator('#access-log-table tbody tr', { hasText: 'Worker One' })
      .filter({ hasText: 'Remove a document from a case' })
      .filter({ hasText: 'Allowed' })
      .first()
      .waitFor();
    await page.locator('#attachments-panel').scrollIntoViewIfNeeded();
    await screenshot('documents-removed', { fullPage: false });
    await assertAccessible('the documents panel after a removal');
  }, ATTACHMENTS);

  // -------------------------------------------------------------------------------------------
  // Workflow (docs/API.md, "Workflow"): moving a case from stage to stage, and its history

  const stageName = (id) => config.stages.find((s) => s.id === id).label.en;
  const fieldName = (id) => caseType.sections.flatMap((s) => s.fields).find((f) => f.id === id).label.en;
  const transitionsPosted = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/transitions`) && r.request().method() === 'POST';

  /** Open a case of Worker One's, signed in as them. */
  const openAsWorker = async (id) => {
    if (!/Worker One/.test(await page.locator('.topbar').innerText().catch(() => ''))) await signInAs('worker1', 'My cases');
    await page.goto(`${origin}/#/cases/${id}`);
    await page.locator('#case-number').waitFor();
    await page.locator('#moves').waitFor();
  };

  step('a move whose guards are unmet is refused, and the dialog lists every one of them', async () => {
    await openAsWorker(caseId);
    assert.equal((await page.locator('#case-stage').innerText()).trim(), stageName('identification'));
    // The moves offered from identification, each by its label.
    await page.locator('#moves').getByRole('button', { name: 'Start the assessment' }).waitFor();
    await page.locator('#move-closed').click();
    const dialog = page.locator('#move-dialog');
    await dialog.waitFor();
    assert.match(await dialog.locator('h2').innerText(), new RegExp(stageName('closed')));

    // The reason this move needs is asked for before anything is sent.
    let posts = 0;
    const count = (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/transitions')) posts += 1;
    };
    page.on('request', count);
    await dialog.locator('button[type=submit]').click();
    await page.locator('#move-reason--error', { hasText: 'give a reason' }).waitFor();
    page.off('request', count);
    assert.equal(posts, 0, 'a move without its reason is not sent');

    // With a reason, the server refuses: the closure fields are empty. Each guard is listed, the
    // fields named by their labels.
    await page.locator('#move-reason').fill('The family moved away.');
    const refused = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    const answer = await refused;
    assert.equal(answer.status(), 422);
    const guards = (await answer.json()).errors;
    assert.ok(guards.length >= 2, `several guards: ${JSON.stringify(guards)}`);
    const items = page.locator('#move-guards li');
    await items.first().waitFor();
    assert.equal(await items.count(), guards.length, 'every unmet guard is listed');
    const listed = (await page.locator('#move-guards').innerText()).replace(/[\u2066-\u2069]/g, '');
    for (const id of ['closure_reason', 'closure_date']) {
      assert.ok(guards.some((g) => g.field === `fields.${id}`), `the server names ${id}`);
      assert.ok(listed.includes(fieldName(id)), `the list names "${fieldName(id)}": ${listed}`);
    }
    assert.match(listed, /must be filled in/, "in the server's words");
    await screenshot('move-refused', { fullPage: false });
    await assertAccessible('the move dialog listing unmet guards');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await page.locator('#case-stage').innerText()).trim(), stageName('identification'), 'the case has not moved');
  }, WORKFLOW);

  step('the worker moves the case to assessment and its stage history lists the move', async () => {
    const before = Number(await page.locator('#case-version').innerText());
    await page.locator('#moves').getByRole('button', { name: 'Start the assessment' }).click();
    const dialog = page.locator('#move-dialog');
    await dialog.waitFor();
    assert.equal(await page.locator('#move-reason').count(), 0, 'this move asks for no reason');
    const moved = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    const answer = await moved;
    assert.equal(answer.status(), 200, `the move is accepted: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { to: 'assessment', version: before });
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName('assessment') }).waitFor();
    await page.locator('.status-line .notice.success', { hasText: `The case moved to ${stageName('assessment')}.` }).waitFor();
    assert.ok(Number(await page.locator('#case-version').innerText()) > before, 'the version goes up');
    // The moves offered now are those from assessment.
    await page.locator('#move-care_plan').waitFor();
    assert.equal(await page.locator('#move-assessment').count(), 0);

    const history = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${caseId}/transitions`) && r.request().method() === 'GET');
    await page.locator('#stage-history > summary').click();
    assert.equal((await history).status(), 200);
    const move = page.locator('#stage-history-list li');
    await move.first().waitFor();
    assert.equal(await move.count(), 1);
    const text = await move.first().innerText();
    assert.match(text, new RegExp(`${stageName('identification')}[\\s\\S]*${stageName('assessment')}`));
    assert.match(text, /Worker One/);
    assert.equal(await move.first().locator('.survivor-badge').count(), 0);
    await screenshot('stage-history', { fullPage: false });
    await assertAccessible('the case page after a move, with its stage history');
  }, WORKFLOW);

  step("a survivor's own decision is confirmed in the dialog and badged in the history", async () => {
    await openAsWorker(gbvCase.id);
    const option = page.locator('#move-paused');
    await option.click();
    const dialog = page.locator('#move-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /recorded as the survivor's own decision/);
    await dialog.locator('button[type=submit]').click();
    await page.locator('#move-survivor--error').waitFor();
    await page.locator('#move-dialog').getByLabel("This is the survivor's own decision").check();
    const moved = page.waitForResponse(transitionsPosted(gbvCase.id));
    await dialog.locator('button[type=submit]').click();
    const answer = await moved;
    assert.equal(answer.status(), 200, `the move is accepted: ${await answer.text()}`);
    assert.equal(answer.request().postDataJSON().survivor_decision, true);
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName('paused') }).waitFor();
    await page.locator('#stage-history > summary').click();
    await page.locator('#stage-history-list li .survivor-badge', { hasText: "Survivor's decision" }).waitFor();
  }, WORKFLOW.skip ? WORKFLOW : ACCESS);

  // -------------------------------------------------------------------------------------------
  // Care plans: the worker writes one, the team supervisor approves it from the Approvals page,
  // and only then does the case move on to implementation

  const carePlansRead = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/care-plans`) && r.request().method() === 'GET';
  const carePlanPosted = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/care-plans`) && r.request().method() === 'POST';
  const carePlanDecided = (id) => (r) => r.url().includes(`/api/v1/cases/${id}/care-plans/`) && r.url().endsWith('/decision');
  const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  step('moving on from the care plan stage is refused until the supervisor approves the plan', async () => {
    await openAsWorker(caseId);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Approvals' }).count(), 0, 'no Approvals page for a case worker');
    // The case is at assessment (the workflow steps above): on to the care plan stage.
    const dialog = page.locator('#move-dialog');
    await page.locator('#move-care_plan').click();
    await dialog.waitFor();
    const moved = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    assert.equal((await moved).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName('care_plan') }).waitFor();

    await page.locator('#move-implementation').click();
    await dialog.waitFor();
    const refused = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    const answer = await refused;
    assert.equal(answer.status(), 422);
    const guards = (await answer.json()).errors;
    assert.ok(guards.some((g) => g.field === 'care_plan'), `the server names the care plan: ${JSON.stringify(guards)}`);
    const guard = page.locator('#move-guards li[data-field="care_plan"]');
    await guard.waitFor();
    assert.match(await guard.innerText(), /the care plan must be approved by the supervisor first/);
    await page.locator('#move-care-plan-hint', { hasText: 'Care plan panel' }).waitFor();
    await screenshot('move-refused-care-plan', { fullPage: false });
    await assertAccessible('the move dialog refusing a move without an approved care plan');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await page.locator('#case-stage').innerText()).trim(), stageName('care_plan'), 'the case has not moved');
  }, CARE_PLANS);

  step('the worker writes a care plan with one intervention and submits it for approval', async () => {
    const read = page.waitForResponse(carePlansRead(caseId));
    await page.locator('#care-plan-panel > summary').click();
    assert.equal((await read).status(), 200);
    await page.locator('#care-plan-empty').waitFor();
    await page.locator('#care-plan-edit').click();
    await page.locator('#care-plan-form').waitFor();

    // An empty plan cannot be submitted: each problem at its input, in the server's words.
    let posted = page.waitForResponse(carePlanPosted(caseId));
    await page.locator('#care-plan-submit').click();
    let answer = await posted;
    assert.equal(answer.status(), 422);
    const problems = (await answer.json()).errors;
    assert.ok(problems.some((p) => p.field === 'narrative'), `the server names the narrative: ${JSON.stringify(problems)}`);
    const narrativeError = page.locator('#care-plan-narrative--error');
    await narrativeError.waitFor();
    assert.match(await narrativeError.innerText(), new RegExp(escapeRegExp(problems.find((p) => p.field === 'narrative').message)));
    await page.locator('#care-plan-errors').waitFor();
    await expectFocus(page, 'care-plan-narrative');

    await page.locator('#care-plan-narrative').fill('Amina stays safe at home with her aunt and is back in school by the end of term.');
    await page.locator('#care-plan-add').click();
    await expectFocus(page, 'care-plan-0-type');
    await page.locator('#care-plan-0-type').selectOption({ index: 1 });
    const type = (await page.locator('#care-plan-0-type option:checked').innerText()).trim();
    await page.locator('#care-plan-0-objective').fill('Enrolled and attending school every week');
    await page.locator('#care-plan-0-responsible').fill('Education officer');
    await page.locator('#care-plan-0-target_date').fill(daysFromToday(60));
    await screenshot('care-plan-form');
    await assertAccessible('the care plan form');

    posted = page.waitForResponse(carePlanPosted(caseId));
    await page.locator('#care-plan-submit').click();
    answer = await posted;
    assert.equal(answer.status(), 201, `the plan is saved: ${await answer.text()}`);
    const sent = answer.request().postDataJSON();
    assert.equal(sent.submit, true);
    assert.equal(sent.based_on, 0, 'the refused attempt saved nothing');
    assert.equal(sent.interventions.length, 1);
    assert.equal(sent.interventions[0].status, 'planned');
    const saved = await answer.json();
    assert.equal(saved.status, 'submitted');
    await page.locator('#care-plan-notice', { hasText: `Version ${saved.version} of the care plan is submitted for approval.` }).waitFor();
    await expectFocus(page, 'care-plan-notice');
    assert.equal((await page.locator('#care-plan-status').innerText()).trim(), 'Waiting for approval');
    const rows = page.locator('#care-plan-interventions-table tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(
      await rows.first().innerText(),
      new RegExp(`${escapeRegExp(type)}[\\s\\S]*Enrolled and attending school every week[\\s\\S]*Education officer[\\s\\S]*Planned`),
    );
    await page.locator('#care-plan-waiting', { hasText: "waits for the team supervisor's approval" }).waitFor();
    await screenshot('care-plan-submitted');
    await assertAccessible('the care plan panel with a submitted plan');
  }, CARE_PLANS);

  // -------------------------------------------------------------------------------------------
  // The team dashboard (the seed's Figure 4): workload, deadlines, cases by stage, quality

  const dashboardRead = (r) => r.url().endsWith('/api/v1/dashboard') && r.request().method() === 'GET';
  const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  step("the team supervisor's dashboard counts the care plan pending approval; a case worker has no dashboard", async () => {
    // Still Worker One, after submitting the plan: no Dashboard in the navigation, and its
    // address is refused.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'My cases' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Dashboard' }).count(), 0, 'no Dashboard for a case worker');
    await page.goto(`${origin}/#/dashboard`);
    await page.getByRole('heading', { level: 1, name: 'You do not have access' }).waitFor();

    await signInAs('super1', 'My cases');
    const read = page.waitForResponse(dashboardRead);
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team dashboard' }).waitFor();
    const answer = await read;
    assert.equal(answer.status(), 200, `the dashboard is read: ${await answer.text()}`);
    const board = await answer.json();
    assert.equal(board.alerts.care_plans_pending, 1);

    // Alerts: the plan waiting for approval, linking to the Approvals page.
    const pending = page.locator('#dashboard-pending');
    assert.match(await pending.innerText(), /Care plans pending approval\s*1/);
    assert.equal(await pending.getByRole('link', { name: 'Care plans pending approval' }).getAttribute('href'), '#/approvals');
    // No deadline has passed yet in this story: no case needs attention.
    if (board.attention.length === 0) await page.locator('#attention-empty').waitFor();
    else assert.equal(await page.locator('#attention-table tbody tr').count(), board.attention.length);

    // Workload: each member of North team, their active and new cases and where they stand.
    for (const worker of board.workers) {
      const row = page.locator('#workload-table tbody tr', { hasText: worker.worker.display_name });
      const text = await row.innerText();
      assert.match(text, new RegExp(`\\b${worker.active}\\b[\\s\\S]*\\b${worker.new}\\b`), `${worker.worker.display_name}: active and new cases`);
      assert.match(text, worker.above_target ? /Above target/ : /Within target/);
      assert.equal(await row.locator('svg.hbar[role=img]').count(), worker.by_case_type.length, 'a bar per case type held');
    }
    const one = board.workers.find((w) => w.worker.username === 'worker1');
    assert.ok(one && one.active >= 2, `Worker One's open cases are counted: ${JSON.stringify(one)}`);
    assert.ok(board.workers.some((w) => w.worker.username === 'worker2'), 'Worker Two is listed');

    // Cases by stage: the case waiting for its plan's approval is at the care plan stage.
    const atCarePlan = board.stages.find((s) => s.stage === 'care_plan');
    assert.ok(atCarePlan && atCarePlan.cases >= 1);
    const stageRow = page.locator('#stage-row-care_plan');
    assert.match(await stageRow.innerText(), new RegExp(`${escapeRegExp(stageName('care_plan'))}\\s*${atCarePlan.cases}`));
    assert.match(
      (await stageRow.locator('svg[role=img]').getAttribute('aria-label')) ?? '',
      new RegExp(`^${atCarePlan.cases} of \\d+ open cases$`),
    );

    // Quality: the plan submitted this month has objectives and a timeline for each intervention.
    assert.equal(board.metrics.length, 6);
    const latest = board.metrics[board.metrics.length - 1];
    assert.deepEqual(latest.plans_with_objectives_and_timelines, { of: 1, met: 1, ratio: 1 });
    assert.match(await page.locator('#metric-plans-latest').innerText(), /100\s?%[\s\S]*1 of 1/);
    assert.equal(await page.locator('#metrics figure').count(), 5);
    assert.equal(await page.locator('#metric-plans .metric-months li').count(), 6);
    // A month with nothing to count says so.
    if (board.metrics[0].closures_with_outcome.ratio === null) {
      assert.equal((await page.locator('#metric-closures .metric-months li .metric-value').first().innerText()).trim(), '—');
    }
    await screenshot('dashboard');
    await assertAccessible('the team dashboard');

    // On a phone, in Arabic too, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the dashboard does not scroll sideways on a phone');
    await screenshot('dashboard-phone');
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.getByRole('heading', { level: 1, name: 'لوحة متابعة الفريق' }).waitFor();
    assert.ok(await noSideways(), 'the dashboard does not scroll sideways on a phone, in Arabic');
    await screenshot('dashboard-phone-arabic');
    await assertAccessible('the team dashboard in Arabic on a phone');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, DASHBOARD);

  step('the supervisor finds the case on the Approvals page, opens it and approves the plan', async () => {
    await signInAs('super1', 'My cases');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const queue = page.waitForResponse((r) => r.url().endsWith('/api/v1/approvals'));
    await nav.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Care plans to approve' }).waitFor();
    assert.equal((await queue).status(), 200);
    const row = page.locator('#approvals-table tbody tr', { hasText: caseNumber });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Worker One/);
    assert.ok(text.includes(stageName('care_plan')), `the row names the stage: ${text}`);
    await screenshot('approvals');
    await assertAccessible('the Approvals page');

    // Opened from the queue, the case shows its plan at once.
    const read = page.waitForResponse(carePlansRead(caseId));
    await row.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number').waitFor();
    assert.equal((await read).status(), 200);
    assert.equal(await page.locator('#care-plan-panel').getAttribute('open'), '', 'the care plan panel is open');
    await page.locator('#care-plan-waiting', { hasText: 'This version waits for your decision.' }).waitFor();

    // Returning the plan needs a comment, asked for before anything is sent.
    await page.locator('#care-plan-return').click();
    const dialog = page.locator('#care-plan-return-dialog');
    await dialog.waitFor();
    let posts = 0;
    const count = (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/decision')) posts += 1;
    };
    page.on('request', count);
    await dialog.locator('button[type=submit]').click();
    await page.locator('#care-plan-return-comment--error', { hasText: 'say what should change' }).waitFor();
    page.off('request', count);
    assert.equal(posts, 0, 'a return without its comment is not sent');
    await assertAccessible('the dialog returning a care plan');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    const decided = page.waitForResponse(carePlanDecided(caseId));
    await page.locator('#care-plan-approve').click();
    const answer = await decided;
    assert.equal(answer.status(), 200, `the plan is approved: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { decision: 'approve' });
    await page.locator('#care-plan-notice', { hasText: 'of the care plan is approved.' }).waitFor();
    await page.locator('#care-plan-status', { hasText: 'Approved' }).waitFor();
    assert.match(await page.locator('.care-plan-current').innerText(), /Approved by[\s\S]*Supervisor One/);
    assert.equal(await page.locator('#care-plan-approve, #care-plan-return').count(), 0, 'nothing left to decide');
    await screenshot('care-plan-approved');
    await assertAccessible('the care plan panel after the approval');

    // Nothing waits for the supervisor any more.
    await nav.getByRole('link', { name: 'Approvals' }).click();
    await page.locator('#approvals-empty', { hasText: 'No care plan is waiting for your decision.' }).waitFor();
  }, CARE_PLANS);

  step('once the plan is approved, the dashboard counts no care plan pending', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    let read = page.waitForResponse(dashboardRead);
    await nav.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Team dashboard' }).waitFor();
    assert.equal((await read).status(), 200);
    await page.locator('#dashboard-pending', { hasText: /Care plans pending approval\s*0/ }).waitFor();
    // The reload asks the server again and says when the figures are from.
    read = page.waitForResponse(dashboardRead);
    await page.locator('#dashboard-reload').click();
    const again = await read;
    assert.equal(again.status(), 200);
    assert.equal((await again.json()).alerts.care_plans_pending, 0);
    await page.locator('#dashboard-as-of', { hasText: 'Figures as of' }).waitFor();
    await page.locator('#dashboard-pending', { hasText: /Care plans pending approval\s*0/ }).waitFor();
    await screenshot('dashboard-after-approval');
  }, DASHBOARD);

  step('with the plan approved, the worker moves the case on to implementation', async () => {
    await openAsWorker(caseId);
    assert.equal((await page.locator('#case-stage').innerText()).trim(), stageName('care_plan'));
    await page.locator('#move-implementation').click();
    const dialog = page.locator('#move-dialog');
    await dialog.waitFor();
    const moved = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    const answer = await moved;
    assert.equal(answer.status(), 200, `the move is accepted: ${await answer.text()}`);
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName('implementation') }).waitFor();
    await page.locator('.status-line .notice.success', { hasText: `The case moved to ${stageName('implementation')}.` }).waitFor();
  }, CARE_PLANS);

  // -------------------------------------------------------------------------------------------
  // Notes: visits and calls, a confidential one for the worker alone

  const notesRead = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/notes`) && r.request().method() === 'GET';
  const notePosted = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/notes`) && r.request().method() === 'POST';

  step('the worker writes a note and a confidential one; the supervisor learns only that one is withheld', async () => {
    await openAsWorker(caseId);
    const read = page.waitForResponse(notesRead(caseId));
    await page.locator('#notes-panel > summary').click();
    assert.equal((await read).status(), 200);
    await page.locator('#notes-empty').waitFor();

    // Nothing is sent without a kind and a text.
    let posts = 0;
    const count = (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/notes')) posts += 1;
    };
    page.on('request', count);
    await page.locator('#note-submit').click();
    await page.locator('#note-kind--error', { hasText: 'choose the kind of note' }).waitFor();
    await page.locator('#note-body--error', { hasText: 'write the note' }).waitFor();
    page.off('request', count);
    assert.equal(posts, 0, 'an empty note is not sent');
    await expectFocus(page, 'note-kind');

    const body = 'Home visit with the aunt.\nThe school uniform was delivered; Amina starts on Monday.';
    await page.locator('#note-kind').selectOption('home_visit');
    await page.locator('#note-body').fill(body);
    let posted = page.waitForResponse(notePosted(caseId));
    await page.locator('#note-submit').click();
    let answer = await posted;
    assert.equal(answer.status(), 201, `the note is written: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { kind: 'home_visit', body, confidential: false });
    await page.locator('#notes-notice', { hasText: 'The note is added to the case.' }).waitFor();
    const notes = page.locator('#note-list > li');
    await notes.first().waitFor();
    assert.match(await notes.first().innerText(), /Home visit[\s\S]*Worker One[\s\S]*Amina starts on Monday/);
    assert.equal(await page.locator('#note-kind').inputValue(), '', 'the form is empty again');

    await page.locator('#note-kind').selectOption('phone_call');
    await page.locator('#note-body').fill('The aunt called: she fears the father may come back.');
    await page.locator('#note-confidential').check();
    posted = page.waitForResponse(notePosted(caseId));
    await page.locator('#note-submit').click();
    answer = await posted;
    assert.equal(answer.status(), 201);
    assert.equal(answer.request().postDataJSON().confidential, true);
    await notes.nth(1).locator('.note-confidential', { hasText: 'Confidential' }).waitFor();
    assert.match(await notes.nth(1).innerText(), /Phone call/);
    await page.locator('#notes-panel').scrollIntoViewIfNeeded();
    await screenshot('notes', { fullPage: false });
    await assertAccessible('the notes panel');

    // The supervisor reads the first note; the confidential one is withheld, and said to be.
    await signInAs('super1', 'My cases');
    await page.goto(`${origin}/#/cases/${caseId}`);
    await page.locator('#case-number').waitFor();
    await page.locator('#notes-panel > summary').click();
    await page.locator('#notes-withheld', { hasText: '1 note is withheld from you.' }).waitFor();
    assert.equal(await notes.count(), 1);
    assert.match(await notes.first().innerText(), /Home visit/);
    assert.equal(await page.locator('#note-confidential').count(), 0, 'only the assigned worker is offered a confidential note');
    await assertAccessible('the notes panel seen by the supervisor');
  }, NOTES);

  // -------------------------------------------------------------------------------------------
  // Alerts: deadlines passed on one's cases, and where they are emailed

  const alertsListed = (r) => r.url().endsWith('/api/v1/alerts') && r.request().method() === 'GET';
  const settingsRead = (r) => r.url().endsWith('/api/v1/me/notifications') && r.request().method() === 'GET';
  const settingsPut = (r) => r.url().endsWith('/api/v1/me/notifications') && r.request().method() === 'PUT';

  step('the worker opens Alerts, has none, and sets where alerts are emailed (a bad address refused at the field)', async () => {
    await signInAs('worker1', 'My cases');
    const listed = page.waitForResponse(alertsListed);
    const settings = page.waitForResponse(settingsRead);
    await page.locator('#alerts-link').click();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    assert.equal(await page.locator('#alerts-link').getAttribute('aria-current'), 'page');
    // No deadline has passed in this story (every case moved within its limits today).
    const list = await (await listed).json();
    assert.deepEqual(list, { items: [], unread: 0 });
    await page.locator('#alerts-empty', { hasText: 'You have no alerts' }).waitFor();
    assert.equal(await page.locator('#alerts-count-badge').count(), 0, 'no unread count in the header');
    const current = await (await settings).json();
    assert.equal(current.email ?? null, null, 'no address yet');
    await page.locator('#notifications-status', { hasText: 'No address is saved' }).waitFor();
    if (!current.email_available) {
      // The test's server sends no email: the page says alerts stay in the web app.
      await page.locator('#notifications-unavailable', { hasText: 'your alerts stay here, in the web app' }).waitFor();
    }
    await screenshot('alerts-empty');
    await assertAccessible('the Alerts page');

    // Something that is not an address: the server's refusal, at the field.
    const input = page.locator('#notification-email');
    await input.fill('worker one at example');
    let put = page.waitForResponse(settingsPut);
    await page.locator('#notifications-save').click();
    let answer = await put;
    assert.equal(answer.status(), 422);
    assert.deepEqual(answer.request().postDataJSON(), { email: 'worker one at example' });
    assert.ok((await answer.json()).errors.some((e) => e.field === 'email'), 'the server names the email field');
    await page.locator('#notification-email--error', { hasText: 'not an email address' }).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.match((await input.getAttribute('aria-describedby')) ?? '', /notification-email--error/);
    await expectFocus(page, 'notification-email');
    await screenshot('alerts-email-refused');
    await assertAccessible('the notification form refusing an address');

    // A good one is saved, and kept.
    await input.fill('worker1@example.org');
    put = page.waitForResponse(settingsPut);
    await page.locator('#notifications-save').click();
    answer = await put;
    assert.equal(answer.status(), 200, `the address is saved: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { email: 'worker1@example.org' });
    assert.equal((await answer.json()).email, 'worker1@example.org');
    await page.locator('#notifications-notice', { hasText: 'worker1@example.org' }).waitFor();
    await page.locator('#notification-email--error').waitFor({ state: 'detached' });
    assert.equal(await input.getAttribute('aria-invalid'), null);
    await page.locator('#notifications-remove').waitFor();
    const again = page.waitForResponse(settingsRead);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    assert.equal((await (await again).json()).email, 'worker1@example.org');
    await page.locator('#notifications-status', { hasText: 'worker1@example.org' }).waitFor();
    assert.equal(await input.inputValue(), 'worker1@example.org');
    await screenshot('alerts-email-saved');
    await assertAccessible('the Alerts page with an address saved');

    // On a phone, in Arabic too, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the Alerts page does not scroll sideways on a phone');
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.getByRole('heading', { level: 1, name: 'التنبيهات' }).waitFor();
    assert.ok(await noSideways(), 'the Alerts page does not scroll sideways on a phone, in Arabic');
    await screenshot('alerts-phone-arabic');
    await assertAccessible('the Alerts page in Arabic on a phone');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, ALERTS);

  step('unread alerts are counted in the header and marked in words; Mark read and opening the case read them', async () => {
    // No deadline passes while this story runs (the server's clock is the real one), so the
    // test answers the alert list itself, with two alerts on Worker One's first case, and
    // records the reads the page sends.
    const hour = 3_600_000;
    const alerts = [
      { id: '01900000-0000-7000-8000-000000000001', kind: 'follow_up_overdue', stage: null, level: 'escalation', due: new Date(Date.now() - 2 * hour).toISOString() },
      { id: '01900000-0000-7000-8000-000000000002', kind: 'stage_too_long', stage: 'assessment', level: 'alert', due: new Date(Date.now() - 30 * hour).toISOString() },
    ].map((a) => ({ ...a, case_id: caseId, case_number: caseNumber, created_at: a.due, read: false }));
    const reads = [];
    await page.route('**/api/v1/alerts', (route) =>
      route.fulfill({ json: { items: alerts, unread: alerts.filter((a) => !a.read).length } }),
    );
    await page.route('**/api/v1/alerts/*/read', (route) => {
      const id = new URL(route.request().url()).pathname.split('/').at(-2);
      reads.push(id);
      const alert = alerts.find((a) => a.id === id);
      if (alert) alert.read = true;
      return route.fulfill({ status: alert ? 204 : 404 });
    });
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My cases' }).click();
      await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
      // The header's link says how many are unread, in words for screen readers.
      const badge = page.locator('#alerts-count-badge [aria-hidden=true]');
      await page.getByRole('link', { name: 'Alerts 2 unread', exact: true }).waitFor();
      assert.equal((await badge.innerText()).trim(), '2');

      await page.locator('#alerts-link').click();
      const rows = page.locator('#alerts-table tbody tr');
      await rows.nth(1).waitFor();
      await page.locator('#alerts-unread', { hasText: '2 alerts are unread.' }).waitFor();
      const [escalation, overdue] = [rows.nth(0), rows.nth(1)];
      assert.match(await escalation.innerText(), new RegExp(`${caseNumber}[\\s\\S]*Follow-up overdue[\\s\\S]*Escalation[\\s\\S]*Unread`));
      assert.match(await overdue.innerText(), new RegExp(`${caseNumber}[\\s\\S]*Too long at its stage[\\s\\S]*${escapeRegExp(stageName('assessment'))}[\\s\\S]*Case worker[\\s\\S]*Unread`));
      await screenshot('alerts-unread');
      await assertAccessible('the Alerts page with unread alerts');

      // "Mark read" reads one: the row says so, the header counts one.
      await overdue.getByRole('button', { name: /^Mark read/ }).click();
      await page.locator('#alerts-notice', { hasText: 'is marked read.' }).waitFor();
      assert.deepEqual(reads, [alerts[1].id]);
      await overdue.locator('.alert-state', { hasText: 'Read' }).waitFor();
      assert.equal(await overdue.getByRole('button').count(), 0);
      await page.locator('#alerts-unread', { hasText: '1 alert is unread.' }).waitFor();
      await page.getByRole('link', { name: 'Alerts 1 unread', exact: true }).waitFor();
      await expectFocus(page, `alert-case-${alerts[1].id}`);

      // On a phone the alerts are cards, and nothing scrolls sideways.
      await page.setViewportSize({ width: 360, height: 740 });
      assert.ok(await noSideways(), 'the alerts do not scroll sideways on a phone');
      await screenshot('alerts-phone');
      await page.setViewportSize({ width: 1280, height: 900 });

      // Opening the case from the other alert reads it too; the header then counts none.
      const read = page.waitForResponse((r) => r.url().endsWith(`/api/v1/alerts/${alerts[0].id}/read`) && r.request().method() === 'POST');
      await escalation.getByRole('link', { name: caseNumber }).click();
      await read;
      await page.locator('#case-number', { hasText: caseNumber }).waitFor();
      await page.waitForFunction(() => !document.getElementById('alerts-count-badge'));
      assert.deepEqual(reads, [alerts[1].id, alerts[0].id]);
    } finally {
      await page.unroute('**/api/v1/alerts/*/read');
      await page.unroute('**/api/v1/alerts');
    }
  }, ALERTS);

  step('the audit trail names the dashboard readings and the address change in words', async () => {
    await signInAs('auditor1', 'Audit trail');
    for (const [action, name, who] of [
      ['team.dashboard', "Read a team's dashboard", 'Supervisor One'],
      ['user.notifications', 'Change where alerts are emailed', 'Worker One'],
    ]) {
      await page.locator('#audit-action').selectOption({ label: name });
      const searched = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes(`action=${action}`));
      await page.locator('#audit-filters button[type=submit]').click();
      assert.equal((await searched).status(), 200);
      const row = page.locator('#audit-table tbody tr', { hasText: who }).filter({ hasText: name }).first();
      await row.waitFor();
      assert.match(await row.innerText(), /Allowed/);
    }
  }, ALERTS_AUDIT);

  // -------------------------------------------------------------------------------------------
  // Supervision: a review sample, a quality review, the mark for discussion and a supervision
  // note (never part of the case record); a note planning the next contact; a move the
  // inter-agency panel must endorse first

  const plain = (text) => text.replace(/[\u2066-\u2069]/g, '');
  const sampleRead = (r) => r.url().includes('/api/v1/reviews/sample') && r.request().method() === 'GET';
  const reviewsRead = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/quality-reviews`) && r.request().method() === 'GET';
  const reviewPosted = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/quality-reviews`) && r.request().method() === 'POST';
  const discussionPut = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}/discussion`) && r.request().method() === 'PUT';
  const supervisionNotePosted = (id) => (r) =>
    r.url().endsWith(`/api/v1/cases/${id}/supervision-notes`) && r.request().method() === 'POST';
  const supervisionRead = (r) => r.url().includes('/api/v1/supervision') && r.request().method() === 'GET';
  const FINDINGS = 'Visits are recorded promptly; the assessment should say who was consulted.';
  const SUPERVISION_NOTE = 'Let us talk about how the aunt copes; consider respite care before the holidays.';

  step('the supervisor draws a random review sample on the Supervision page and opens the case from it', async () => {
    await signInAs('super1', 'My cases');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Supervision' }).click();
    await page.getByRole('heading', { level: 1, name: 'Supervision' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Supervision' }).getAttribute('aria-current'), 'page');
    // Nothing is drawn until asked for.
    await page.locator('#sample-none').waitFor();
    await page.locator('#marked-mine-empty', { hasText: 'You have marked no case for discussion.' }).waitFor();

    // A size out of range is refused at its input, without a request.
    let draws = 0;
    const count = (request) => {
      if (request.url().includes('/api/v1/reviews/sample')) draws += 1;
    };
    page.on('request', count);
    await page.locator('#sample-criterion').selectOption('random');
    await page.locator('#sample-per-worker').fill('11');
    await page.locator('#sample-draw').click();
    await page.locator('#sample-per-worker--error', { hasText: 'from 1 to 10' }).waitFor();
    page.off('request', count);
    assert.equal(draws, 0, 'a sample of a size out of range is not asked for');
    await expectFocus(page, 'sample-per-worker');

    // Ten per worker: every open case of Worker One's, the story's first case among them.
    await page.locator('#sample-per-worker').fill('10');
    const drawn = page.waitForResponse(sampleRead);
    await page.locator('#sample-draw').click();
    const answer = await drawn;
    assert.equal(answer.status(), 200, `the sample is drawn: ${await answer.text()}`);
    const asked = new URL(answer.url()).searchParams;
    assert.equal(asked.get('criterion'), 'random');
    assert.equal(asked.get('per_worker'), '10');
    const sample = await answer.json();
    assert.equal(sample.criterion, 'random');
    assert.ok(sample.items.some((c) => c.id === caseId), `the case is in the sample: ${JSON.stringify(sample.items.map((c) => c.case_number))}`);
    assert.ok(sample.items.every((c) => ['worker1', 'worker2'].includes(c.assigned_to.username)), "only North team's cases");
    await page.waitForFunction(() => location.hash === '#/supervision?criterion=random&per_worker=10');
    const n = sample.items.length;
    await page.locator('#sample-count', { hasText: n === 1 ? '1 case sampled (At random).' : `${n} cases sampled (At random).` }).waitFor();
    // The cases by worker, each worker a heading over their cases.
    for (const name of new Set(sample.items.map((c) => c.assigned_to.display_name))) {
      const group = page.locator('.sample-group', { has: page.getByRole('heading', { level: 3, name }) });
      const theirs = sample.items.filter((c) => c.assigned_to.display_name === name);
      assert.equal(await group.locator('tbody tr').count(), theirs.length, `${name}'s cases`);
      for (const c of theirs) await group.getByRole('link', { name: c.case_number }).waitFor();
    }
    await screenshot('supervision-sample');
    await assertAccessible('the Supervision page with a review sample');

    // On a phone, in Arabic too, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the Supervision page does not scroll sideways on a phone');
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.getByRole('heading', { level: 1, name: 'الإشراف' }).waitFor();
    assert.ok(await noSideways(), 'the Supervision page does not scroll sideways on a phone, in Arabic');
    await screenshot('supervision-sample-phone-arabic');
    await assertAccessible('the Supervision page in Arabic on a phone');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Opened from the sample, the case shows its quality review at once, with the sample's criterion.
    const read = page.waitForResponse(reviewsRead(caseId));
    await page.locator('#sample-results').getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number', { hasText: caseNumber }).waitFor();
    assert.equal((await read).status(), 200);
    assert.equal(await page.locator('#quality-review-panel').getAttribute('open'), '', 'the quality review panel is open');
    await page.locator('#review-empty').waitFor();
    assert.equal(await page.locator('#review-criterion').inputValue(), 'random');
  }, SUPERVISION);

  step('the supervisor records a quality review (rating and findings asked for first), marks the case and writes a supervision note', async () => {
    // Nothing is sent without a rating and findings.
    let posts = 0;
    const count = (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/quality-reviews')) posts += 1;
    };
    page.on('request', count);
    await page.locator('#review-submit').click();
    await page.locator('#review-rating--error', { hasText: 'choose a rating' }).waitFor();
    await page.locator('#review-findings--error', { hasText: 'write the findings' }).waitFor();
    page.off('request', count);
    assert.equal(posts, 0, 'a review without a rating and findings is not sent');
    assert.equal(await page.locator('#review-findings').getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('#review-rating').getAttribute('aria-describedby')) ?? '', /review-rating--error/);
    await expectFocus(page, 'review-rating-meets');
    await screenshot('quality-review-refused', { fullPage: false });
    await assertAccessible('the quality review form refusing an empty review');

    await page.getByLabel('Partly meets the standard').check();
    await page.locator('#review-findings').fill(FINDINGS);
    let posted = page.waitForResponse(reviewPosted(caseId));
    await page.locator('#review-submit').click();
    let answer = await posted;
    assert.equal(answer.status(), 201, `the review is recorded: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { criterion: 'random', rating: 'partly_meets', findings: FINDINGS });
    await page.locator('#review-notice', { hasText: 'The review is recorded.' }).waitFor();
    await expectFocus(page, 'review-notice');
    const review = page.locator('#review-list > li');
    await review.first().waitFor();
    assert.match(plain(await review.first().innerText()), /Partly meets the standard[\s\S]*Picked: At random[\s\S]*Supervisor One[\s\S]*who was consulted/);

    // The mark for discussion with the worker: set, and said so.
    await page.locator('#discussion-state', { hasText: /is not marked for discussion with \u2068?Worker One/ }).waitFor();
    const put = page.waitForResponse(discussionPut(caseId));
    await page.getByRole('button', { name: 'Mark for discussion' }).click();
    answer = await put;
    assert.equal(answer.status(), 204);
    assert.deepEqual(answer.request().postDataJSON(), { marked: true });
    await page.getByRole('button', { name: 'Remove the mark' }).waitFor();
    assert.match(plain(await page.locator('#discussion-state').innerText()), /You marked this case for discussion at your next supervision session with Worker One/);

    // A supervision note, labelled as seen by the two of them only and not part of the case record.
    const label = 'Supervision note — seen by you and Worker One only, not part of the case record';
    assert.match(plain(await page.locator('label[for=supervision-note-body]').innerText()), new RegExp(escapeRegExp(label)));
    await page.locator('#case-supervision-empty').waitFor();
    posts = 0;
    const countNotes = (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/supervision-notes')) posts += 1;
    };
    page.on('request', countNotes);
    await page.locator('#supervision-note-submit').click();
    await page.locator('#supervision-note-body--error', { hasText: 'write the note' }).waitFor();
    page.off('request', countNotes);
    assert.equal(posts, 0, 'an empty supervision note is not sent');
    await page.locator('#supervision-note-body').fill(SUPERVISION_NOTE);
    posted = page.waitForResponse(supervisionNotePosted(caseId));
    await page.locator('#supervision-note-submit').click();
    answer = await posted;
    assert.equal(answer.status(), 201, `the supervision note is written: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { body: SUPERVISION_NOTE });
    await page.locator('#supervision-note-notice', { hasText: 'The supervision note is saved for' }).waitFor();
    const note = page.locator('#case-supervision-list > li');
    await note.first().waitFor();
    const noteText = plain(await note.first().innerText());
    assert.ok(noteText.includes(label), `the note is labelled: ${noteText}`);
    assert.ok(noteText.includes(SUPERVISION_NOTE));
    await page.locator('#quality-review-panel').scrollIntoViewIfNeeded();
    await screenshot('quality-review', { fullPage: false });
    await assertAccessible('the quality review panel of the supervisor');

    // On a phone, in Arabic too, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the quality review panel does not scroll sideways on a phone');
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.locator('#quality-review-panel .panel-title', { hasText: 'مراجعة الجودة' }).waitFor();
    assert.ok(await noSideways(), 'the quality review panel does not scroll sideways on a phone, in Arabic');
    await page.locator('#quality-review-panel').scrollIntoViewIfNeeded();
    await screenshot('quality-review-phone-arabic', { fullPage: false });
    await assertAccessible('the quality review panel in Arabic on a phone');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The supervision page lists the mark and the note, for Worker One.
    const read = page.waitForResponse(supervisionRead);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Supervision' }).click();
    assert.equal((await read).status(), 200);
    await page.locator('#marked-mine-table tbody tr', { hasText: caseNumber }).filter({ hasText: 'Worker One' }).waitFor();
    await page.locator('#notes-mine-list > li', { hasText: SUPERVISION_NOTE }).filter({ hasText: /For \u2068?Worker One/ }).waitFor();
    // Narrowed to Worker One's records, by the server.
    const narrowed = page.waitForResponse((r) => supervisionRead(r) && r.url().includes('worker='));
    await page.locator('#supervision-worker').selectOption({ label: 'Worker One' });
    await page.locator('#supervision-worker-show').click();
    const filtered = await narrowed;
    assert.equal(filtered.status(), 200);
    const one = (await filtered.json()).notes[0]?.worker;
    assert.equal(one?.username, 'worker1');
    assert.equal(new URL(filtered.url()).searchParams.get('worker'), one.id);
    await page.waitForFunction((id) => location.hash === `#/supervision?worker=${id}`, one.id);
    await page.locator('#notes-mine-list > li', { hasText: SUPERVISION_NOTE }).waitFor();
    await page.locator('#marked-mine-table tbody tr', { hasText: caseNumber }).waitFor();
    await screenshot('supervision-supervisor-filtered');
    await assertAccessible('the Supervision page narrowed to one worker');
  }, SUPERVISION);

  step('the worker finds the mark and the note on their Supervision page, and not among the case notes', async () => {
    await signInAs('worker1', 'My cases');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const read = page.waitForResponse(supervisionRead);
    await nav.getByRole('link', { name: 'Supervision' }).click();
    await page.getByRole('heading', { level: 1, name: 'Supervision' }).waitFor();
    assert.equal((await read).status(), 200);
    assert.equal(await page.locator('#review-sample, #supervision-worker').count(), 0, 'no review sample for a case worker');
    await page.locator('#marked-for-you-table tbody tr', { hasText: caseNumber }).waitFor();
    const note = page.locator('#notes-for-you-list > li', { hasText: SUPERVISION_NOTE });
    await note.waitFor();
    assert.match(plain(await note.innerText()), new RegExp(`${escapeRegExp(caseNumber)}[\\s\\S]*From Supervisor One`));
    await page.locator('#supervision-private', { hasText: 'not part of any case record' }).waitFor();
    await screenshot('supervision-worker');
    await assertAccessible('the Supervision page of a case worker');
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), "the worker's Supervision page does not scroll sideways on a phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    // The case: its review is there to read, with nothing to record; the supervision note is not
    // among its notes.
    await note.getByRole('link', { name: caseNumber }).click();
    await page.locator('#case-number', { hasText: caseNumber }).waitFor();
    const reviews = page.waitForResponse(reviewsRead(caseId));
    await page.locator('#quality-review-panel > summary').click();
    assert.equal((await reviews).status(), 200);
    await page.locator('#review-list > li', { hasText: FINDINGS }).waitFor();
    assert.equal(await page.locator('#review-form, #discussion-toggle, #supervision-note-form').count(), 0, 'nothing to record for the worker');
    const notes = page.waitForResponse(notesRead(caseId));
    await page.locator('#notes-panel > summary').click();
    assert.equal((await notes).status(), 200);
    await page.locator('#note-list > li').first().waitFor();
    const listed = await page.locator('#notes-panel').innerText();
    assert.ok(!listed.includes(SUPERVISION_NOTE), 'the supervision note is not among the case notes');
    assert.ok(!listed.includes('Supervision note'), 'nothing in the notes is a supervision note');
  }, SUPERVISION_NOTES);

  step('the worker writes a note planning the next contact (a day beyond a year refused at the field) and sees the day listed', async () => {
    await openAsWorker(caseId);
    const notes = page.locator('#note-list > li');
    if ((await page.locator('#notes-panel').getAttribute('open')) === null) {
      const read = page.waitForResponse(notesRead(caseId));
      await page.locator('#notes-panel > summary').click();
      assert.equal((await read).status(), 200);
    }
    await notes.first().waitFor();
    const before = await notes.count();
    const body = 'Called the aunt: the next home visit is agreed for the week after next.';
    await page.locator('#note-kind').selectOption('phone_call');
    await page.locator('#note-body').fill(body);
    // Beyond a year: the server's refusal, at the date.
    const input = page.locator('#note-next-contact');
    await input.fill(daysFromToday(400));
    let posted = page.waitForResponse(notePosted(caseId));
    await page.locator('#note-submit').click();
    let answer = await posted;
    assert.equal(answer.status(), 422);
    assert.ok((await answer.json()).errors.some((e) => e.field === 'next_contact_on'), 'the server names the date');
    await page.locator('#note-next-contact--error').waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    await expectFocus(page, 'note-next-contact');
    await assertAccessible('the note form refusing a next contact too far ahead');

    const planned = daysFromToday(14);
    await input.fill(planned);
    posted = page.waitForResponse(notePosted(caseId));
    await page.locator('#note-submit').click();
    answer = await posted;
    assert.equal(answer.status(), 201, `the note is written: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { kind: 'phone_call', body, confidential: false, next_contact_on: planned });
    assert.equal((await answer.json()).next_contact_on, planned);
    await page.locator('#notes-notice', { hasText: 'The note is added to the case.' }).waitFor();
    await notes.nth(before).waitFor();
    const added = notes.nth(before);
    assert.match(await added.innerText(), /Phone call[\s\S]*next home visit[\s\S]*Next contact planned on/);
    const day = added.locator(`.note-next time[datetime="${planned}"]`);
    const shown = await page.evaluate((d) => new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`)), planned);
    assert.equal((await day.innerText()).trim(), shown);
    assert.equal(await input.inputValue(), '', 'the form is empty again');
    await page.locator('#notes-panel').scrollIntoViewIfNeeded();
    await screenshot('note-next-contact', { fullPage: false });
    await assertAccessible('the notes panel with a planned next contact');
  }, NEXT_CONTACT);

  step('a transfer needs the panel: refused with its message, the worker records an endorsing decision, and the move is made', async () => {
    await openAsWorker(caseId);
    const dialog = page.locator('#move-dialog');
    // The case is at implementation (the care plan steps): on to the case review.
    assert.equal((await page.locator('#case-stage').innerText()).trim(), stageName('implementation'));
    await page.locator('#move-case_review').click();
    await dialog.waitFor();
    let moved = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    assert.equal((await moved).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName('case_review') }).waitFor();

    // The transfer is refused for want of the panel's endorsement, in the server's words.
    const reason = 'The family moves to the south; the partner organisation there takes the case.';
    await page.locator('#move-transferred').click();
    await dialog.waitFor();
    await page.locator('#move-reason').fill(reason);
    moved = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    let answer = await moved;
    assert.equal(answer.status(), 422);
    const guards = (await answer.json()).errors;
    const guard = guards.find((g) => g.field === 'panel_decision');
    assert.ok(guard, `the server names the panel decision: ${JSON.stringify(guards)}`);
    const listed = page.locator('#move-guards li[data-field="panel_decision"]');
    await listed.waitFor();
    assert.equal((await listed.innerText()).trim(), guard.message);
    assert.match(guard.message, /panel/);
    await page.locator('#move-panel-hint', { hasText: "inter-agency panel's endorsement" }).waitFor();
    await screenshot('move-refused-panel', { fullPage: false });
    await assertAccessible('the move dialog refusing a move the panel must endorse');

    // From the refusal to the panel's form, with the move chosen.
    const read = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${caseId}/panel-decisions`) && r.request().method() === 'GET');
    await page.locator('#move-panel-record').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await read).status(), 200);
    assert.equal(await page.locator('#panel-decisions').getAttribute('open'), '', 'the panel decisions are open');
    await page.locator('#panel-empty').waitFor();
    await expectFocus(page, 'panel-to');
    assert.equal(await page.locator('#panel-to').inputValue(), 'transferred');
    assert.equal(await page.locator('#panel-decided-on').inputValue(), daysFromToday(0), 'the day defaults to today');

    // Nothing is sent without the decision and the notes.
    let posts = 0;
    const count = (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/panel-decisions')) posts += 1;
    };
    page.on('request', count);
    await page.locator('#panel-submit').click();
    await page.locator('#panel-endorsed--error', { hasText: 'choose what the panel decided' }).waitFor();
    await page.locator('#panel-notes--error', { hasText: 'say who sat and what they decided' }).waitFor();
    page.off('request', count);
    assert.equal(posts, 0, 'a decision without its outcome and notes is not sent');
    await assertAccessible('the panel decision form refusing an empty decision');

    const notes = 'Panel of the child protection working group: UNICEF, the district social welfare office and us. Transfer endorsed.';
    await page.getByLabel('The panel endorsed the move').check();
    await page.locator('#panel-notes').fill(notes);
    const posted = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${caseId}/panel-decisions`) && r.request().method() === 'POST');
    await page.locator('#panel-submit').click();
    answer = await posted;
    assert.equal(answer.status(), 201, `the decision is recorded: ${await answer.text()}`);
    assert.deepEqual(answer.request().postDataJSON(), { to: 'transferred', endorsed: true, decided_on: daysFromToday(0), notes });
    await page.locator('#panel-notice', { hasText: 'the panel endorsed the move to' }).waitFor();
    const decision = page.locator('#panel-list > li');
    await decision.first().waitFor();
    assert.match(plain(await decision.first().innerText()), new RegExp(`Move to ${escapeRegExp(stageName('transferred'))}[\\s\\S]*Endorsed[\\s\\S]*Worker One[\\s\\S]*Transfer endorsed`));
    await page.locator('#panel-decisions').scrollIntoViewIfNeeded();
    await screenshot('panel-decision', { fullPage: false });
    await assertAccessible('the panel decisions with an endorsement');

    // On a phone, in Arabic too, nothing scrolls sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the panel decisions does not scroll sideways on a phone');
    await page.locator('#language').selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await page.locator('#panel-decisions .panel-title', { hasText: 'قرارات اللجنة' }).waitFor();
    assert.ok(await noSideways(), 'the panel decisions does not scroll sideways on a phone, in Arabic');
    await page.locator('#panel-decisions').scrollIntoViewIfNeeded();
    await screenshot('panel-decision-phone-arabic', { fullPage: false });
    await assertAccessible('the panel decisions in Arabic on a phone');
    await page.locator('#language').selectOption('en');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Now the transfer is made.
    await page.locator('#move-transferred').click();
    await dialog.waitFor();
    await page.locator('#move-reason').fill(reason);
    moved = page.waitForResponse(transitionsPosted(caseId));
    await dialog.locator('button[type=submit]').click();
    answer = await moved;
    assert.equal(answer.status(), 200, `the transfer is made: ${await answer.text()}`);
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#case-stage', { hasText: stageName('transferred') }).waitFor();
    await page.locator('.status-line .notice.success', { hasText: `The case moved to ${stageName('transferred')}.` }).waitFor();
  }, PANELS);

  step('the audit trail names the quality review, the supervision note and the panel decision in words', async () => {
    await signInAs('auditor1', 'Audit trail');
    for (const [action, name, who] of [
      ['case.review_sample', 'Draw a sample of cases to review', 'Supervisor One'],
      ['case.quality_review.create', 'Record a quality review', 'Supervisor One'],
      ['case.supervision_note.create', 'Write a supervision note', 'Supervisor One'],
      ...(PANELS.skip ? [] : [['case.panel_decision.record', "Record a panel's decision", 'Worker One']]),
    ]) {
      await page.locator('#audit-action').selectOption({ label: name });
      const searched = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes(`action=${action}`));
      await page.locator('#audit-filters button[type=submit]').click();
      assert.equal((await searched).status(), 200);
      const row = page.locator('#audit-table tbody tr', { hasText: who }).filter({ hasText: name }).first();
      await row.waitFor();
      assert.match(await row.innerText(), /Allowed/);
    }
  }, SUPERVISION_AUDIT);
});

// ---------------------------------------------------------------------------------------------
// The second factor (TOTP, RFC 6238), with the server's default policy: supervisors must use it.
//
// The test is the authenticator app: it reads the base32 key the enrolment page shows and
// computes codes with HMAC-SHA1. The server accepts the steps next to its current one and
// never the same step twice, so instead of waiting 30 seconds for a fresh code the test uses
// the next step's code. Of the steps now and now + 1 at least one stays acceptable whichever
// side of a step boundary the server is on, which allows two uses of one key without waiting.

/** Focus moves after the render that shows an element; wait for it rather than racing it. */
async function expectFocus(page, id) {
  try {
    await page.waitForFunction((wanted) => document.activeElement?.id === wanted, id, { timeout: 5_000 });
  } catch {
    assert.equal(await page.evaluate(() => document.activeElement?.id), id, `focus on #${id}`);
  }
}

const TOTP_STEP_SECONDS = 30;

/** RFC 4648 base32 (spaces and padding ignored) to bytes. */
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

/** The 6-digit TOTP code of `key` (bytes) for time step `step` (RFC 6238 over RFC 4226). */
function totpAt(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const currentStep = () => Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS);

/** One authenticator: codes from a key, never the same step twice, never a step the server
 * could find outside its window. */
function authenticator(base32) {
  const key = base32Decode(base32);
  let last = null;
  return {
    /** A fresh code: the current step, or the next when the current one is used. */
    code() {
      const now = currentStep();
      const step = last === null || last < now ? now : last + 1;
      assert.ok(step <= now + 1, 'no unused step left in the window (the story uses at most two per step)');
      last = step;
      return totpAt(key, step);
    },
    /** A code no step near now has. */
    wrongCode() {
      const near = new Set([-2, -1, 0, 1, 2].map((d) => totpAt(key, currentStep() + d)));
      return ['000000', '111111', '123456', '654321', '999999'].find((c) => !near.has(c));
    },
  };
}

/** `123456` → `١٢٣ ٤٥٦`: how a phone set to Arabic may type a code. */
const arabicIndic = (code) => code.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d))).replace(/^(.{3})/, '$1 ');

describe('two-step sign-in in the browser', { timeout: 300_000 }, () => {
  let story; // the server, the app and the browser (see openStory)
  let origin;
  let page;
  let app; // the authenticator the supervisor set up at first sign-in
  let firstCodes; // its recovery codes
  let newApp; // the one set up in its place on the Security page
  let newCodes;

  const SUPERVISOR = { username: 'super-mfa', displayName: 'Supervisor Mfa', role: 'supervisor' };
  const WORKER = { username: 'worker-mfa', displayName: 'Worker Mfa', role: 'case_worker' };

  const { screenshot, step } = storySteps({ page: () => page, artifacts: ARTIFACTS, prefix: 'mfa-' });
  const assertAccessible = (where) => checkAccessible(page, where);
  const noSideways = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  /** The password step; resolves once the next page's heading is there. */
  const password = async (heading) => {
    await page.locator('#username').fill(SUPERVISOR.username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    story = await openStory({ prefix: 'caseward-browser-mfa-', people: [SUPERVISOR, WORKER], defaultMfaPolicy: true });
    ({ origin, page } = story);
  });

  after(() => story?.close());

  step('the test computes RFC 6238 codes', () => {
    // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082, of which an app shows the last six digits.
    assert.equal(totpAt(Buffer.from('12345678901234567890'), 1), '287082');
    assert.deepEqual([...base32Decode('MZXW6YTBOI')], [...Buffer.from('foobar')]);
  });

  step('a supervisor must set up two-step sign-in: QR code, key, first code', async () => {
    await page.goto(origin + '/');
    await password('Set up two-step sign-in');
    assert.match(await page.locator('#enrol-why').innerText(), /Your role \(Supervisor\) must use two-step sign-in/);
    // The QR code is an image made from the server's SVG, and the page's CSP lets it show.
    const qr = page.locator('#mfa-qr');
    await qr.waitFor();
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/svg\+xml/);
    await page.waitForFunction(() => {
      const img = document.getElementById('mfa-qr');
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
    });
    assert.equal(await page.locator('#enrol-form svg, .enrolment svg').count(), 0, 'no SVG markup in the page itself');
    const shown = (await page.locator('#mfa-secret').innerText()).trim();
    assert.match(shown, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/, `the key is shown in groups of four: ${shown}`);
    assert.match((await page.locator('#mfa-open-app').getAttribute('href')) ?? '', /^otpauth:\/\/totp\/Caseward:super-mfa\?/);
    app = authenticator(shown);
    const input = page.locator('#enrol-code');
    assert.equal(await input.getAttribute('inputmode'), 'numeric');
    assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
    await screenshot('enrolment');
    await assertAccessible('the enrolment page');
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the enrolment page does not scroll sideways on a phone');
    await screenshot('enrolment-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A wrong first code is refused next to the input.
    await input.fill(app.wrongCode());
    await page.locator('#enrol-form button[type=submit]').click();
    await page.locator('#enrol-code--error').waitFor();
    assert.match(await page.locator('#enrol-code--error').innerText(), /The code was not accepted/);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    // Typed as a phone set to Arabic types it, with a space: the app sends ASCII digits.
    await input.fill(arabicIndic(app.code()));
    await page.locator('#enrol-form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: 'Save your recovery codes' }).waitFor();
  });

  step('the recovery codes are shown once and must be confirmed as saved', async () => {
    const items = page.locator('#recovery-codes li');
    firstCodes = (await items.allInnerTexts()).map((c) => c.trim());
    assert.equal(firstCodes.length, 10);
    for (const code of firstCodes) assert.match(code, /^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    await page.locator('#codes-copy').click();
    await page.locator('.recovery [role=status]', { hasText: /cop/i }).waitFor();
    await screenshot('recovery-codes');
    await assertAccessible('the recovery codes');
    // Not before saying they are saved.
    await page.locator('#codes-continue').click();
    await page.locator('#codes-saved--error').waitFor();
    await expectFocus(page, 'codes-saved');
    await page.locator('#codes-saved').check();
    await page.locator('#codes-continue').click();
    await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
    assert.match(await page.locator('#user-menu-button').innerText(), /Supervisor Mfa/);
  });

  step('signing in again asks for a code: a wrong one is refused, the next step\'s is accepted', async () => {
    await signOutThroughMenu(page);
    await password('Two-step sign-in');
    const input = page.locator('#otp-code');
    assert.equal(await input.getAttribute('inputmode'), 'numeric');
    assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
    await expectFocus(page, 'otp-code');
    assert.match(await page.locator('#code-intro').innerText(), /Enter the 6-digit code from your authenticator app/);
    await screenshot('code-prompt');
    await assertAccessible('the code prompt');
    await page.setViewportSize({ width: 360, height: 740 });
    assert.ok(await noSideways(), 'the code prompt does not scroll sideways on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    await input.fill(app.wrongCode());
    await page.locator('#code-form button[type=submit]').click();
    await page.locator('#otp-code--error').waitFor();
    assert.match(await page.locator('#otp-code--error').innerText(), /The code was not accepted/);
    await screenshot('code-refused');
    await input.fill(app.code());
    await page.locator('#code-form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  });

  step('the Security page replaces the authenticator (password first) with new recovery codes', async () => {
    await page.locator('#user-menu-button').click();
    await page.locator('#security-link').click();
    await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
    assert.match(await page.locator('#mfa-status').innerText(), /^On/);
    await screenshot('security');
    await assertAccessible('the Security page');

    await page.locator('#mfa-start').click();
    await page.locator('#mfa-replace-warning').waitFor();
    await page.locator('#mfa-password').fill('not my password');
    await page.locator('#mfa-password-form button[type=submit]').click();
    await page.locator('#mfa-password--error').waitFor();
    assert.match(await page.locator('#mfa-password--error').innerText(), /not correct/);
    assert.equal(await page.locator('#username').count(), 0, 'still signed in');
    await page.locator('#mfa-password').fill(PASSWORD);
    await page.locator('#mfa-password-form button[type=submit]').click();
    const shown = (await page.locator('#mfa-secret').innerText()).trim();
    newApp = authenticator(shown);
    await page.waitForFunction(() => document.getElementById('mfa-qr')?.naturalWidth > 0);
    await screenshot('security-enrolment');
    await assertAccessible('the Security page setting up a new authenticator');
    await page.locator('#enrol-code').fill(newApp.code());
    await page.locator('#enrol-form button[type=submit]').click();
    const items = page.locator('#recovery-codes li');
    await items.first().waitFor();
    newCodes = (await items.allInnerTexts()).map((c) => c.trim());
    assert.equal(newCodes.length, 10);
    assert.equal(newCodes.filter((c) => firstCodes.includes(c)).length, 0, 'the codes are new');
    await page.locator('#codes-saved').check();
    await page.locator('#codes-continue').click();
    await page.locator('#mfa-section .notice.success').waitFor();
    assert.match(await page.locator('#mfa-status').innerText(), /^On/);
  });

  step('a sensitive action takes a code from the app in place of the password', async () => {
    // The supervisor opens a case of their own through the API, then shares it in the page.
    const config = await page.evaluate(() => fetch('/api/v1/config').then((r) => r.json()));
    const cp = config.case_types.find((c) => c.code === 'CP');
    const shown = cp.sections.filter((s) => s.stage == null || s.stage === cp.stages[0]).flatMap((s) => s.fields);
    const fields = {};
    for (const field of shown.filter((f) => f.required)) fields[field.id] = apiValue(config, field);
    const created = await page.evaluate(async (body) => {
      const answer = await fetch('/api/v1/cases', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: answer.status, body: await answer.json() };
    }, { case_type: cp.id, intensity: 2, fields });
    assert.equal(created.status, 201, `the case is created: ${JSON.stringify(created.body)}`);
    const caseId = created.body.id;
    await page.goto(`${origin}/#/cases/${caseId}`);
    await page.locator('#case-number').waitFor();
    await page.locator('#access-panel > summary').click();
    await page.locator('#share-open').click();
    await page.locator('#share-dialog').waitFor();
    assert.equal(
      (await page.locator('label[for=share-password]').innerText()).replace(/\s*\*.*$/s, '').trim(),
      'Your password (or a code from your authenticator app)',
    );
    const input = page.locator('#share-user');
    await input.fill('Worker');
    await page.locator('#share-user--list [role=option]', { hasText: WORKER.displayName }).first().click();
    await page.locator('#share-reason').fill('Second opinion on the safety plan.');
    await page.locator('#share-password').fill(arabicIndic(newApp.code()));
    await screenshot('share-with-code', { fullPage: false });
    await assertAccessible('the share dialog of a person with a second factor');
    await page.locator('#share-dialog button[type=submit]').click();
    await page.locator('#share-dialog').waitFor({ state: 'detached' });
    await page.locator('#share-list', { hasText: WORKER.displayName }).waitFor();
  });

  step('a recovery code signs in once; an old one no longer does', async () => {
    await signOutThroughMenu(page);
    await password('Two-step sign-in');
    await page.locator('#code-switch').click();
    const input = page.locator('#recovery-code');
    await input.waitFor();
    await expectFocus(page, 'recovery-code');
    // A code of the authenticator that was replaced is refused.
    await input.fill(firstCodes[0]);
    await page.locator('#code-form button[type=submit]').click();
    await page.locator('#recovery-code--error').waitFor();
    assert.match(await page.locator('#recovery-code--error').innerText(), /The code was not accepted/);
    await screenshot('recovery-code-refused');
    await assertAccessible('the recovery code prompt');
    // Typed in capitals with spaces, as someone may copy it from paper.
    await input.fill(newCodes[3].toUpperCase().replace(/-/g, ' '));
    await page.locator('#code-form button[type=submit]').click();
    await page.getByRole('heading', { level: 1, name: 'My cases' }).waitFor();
  });

  step('too many wrong codes lock the account for a while, and the page says how long', async () => {
    await signOutThroughMenu(page);
    await password('Two-step sign-in');
    const input = page.locator('#otp-code');
    const error = page.locator('#otp-code--error');
    let text = '';
    let status = 0;
    let retryAfter = null;
    // The server locks the account after a few failures (5 by default); each is answered 401.
    for (let attempt = 0; attempt < 10 && status !== 429; attempt++) {
      await input.fill(newApp.wrongCode());
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/second-factor'));
      await page.locator('#code-form button[type=submit]').click();
      const response = await answered;
      status = response.status();
      retryAfter = response.headers()['retry-after'] ?? null;
      // A refused code is cleared from the input once the page has shown why.
      await page.waitForFunction(() => document.getElementById('otp-code')?.value === '');
      text = await error.innerText();
    }
    assert.equal(status, 429, 'the account is locked after repeated wrong codes');
    assert.ok(retryAfter, 'the 429 says when to retry');
    assert.match(text, /Too many failed attempts\. Try again in \d+ minutes?\./);
    await screenshot('too-many-codes');
  });
});
