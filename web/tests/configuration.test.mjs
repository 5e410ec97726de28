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
// Skip logic and retired options: manager1 adds to GBV's incident section "Weapon used" (yes/no)
// and "Weapon described", asked only after "yes" (the preview shows it so), and retires the
// incident type "Physical assault", which a case worker1 opened before already holds. In a new
// GBV case, worker1 sees "Weapon described" appear on "yes" and go on "no", the case is saved
// without it, and "Physical assault" is not offered; the older case still shows it (marked no
// longer offered), keeps it when saved, and has its weapon cleared once "no" is answered.
//
// XLSForm import: manager1 checks a workbook the test builds (a group with a text, an integer
// with a constraint, a select_one with its choices, and a note that has no Caseward field type)
// as a new case type: its changes, the note left out, the texts filled in; the import is made
// only once what is left out is accepted, and worker1 is offered the new case type, whose form
// refuses an age above 17.
//
//   npm run build && node --test tests/configuration.test.mjs
//
// Environment and how the server and browser are run: see harness.mjs. Screenshots go to
// ../test-artifacts/configuration/.

import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAccessible,
  domId,
  fillValid,
  openStory,
  serverHasMember,
  serverHasPaths,
  signInAs as signInThroughUi,
  storySteps,
  WEB,
} from './harness.mjs';
import { workbook } from './xlsx.mjs';

const ARTIFACTS = resolve(WEB, '../test-artifacts/configuration');

const PEOPLE = [
  { username: 'worker1', displayName: 'Worker One', role: 'case_worker' },
  { username: 'manager1', displayName: 'Manager One', role: 'programme_manager' },
];

/** Whether the binary serves the configuration editors' endpoints. */
const EDITING = serverHasPaths([
  '/api/v1/config/entities',
  '/api/v1/config/changes',
  '/api/v1/config/versions',
  '/api/v1/config/versions/{version}/restore',
])
  ? {}
  : { skip: 'server has no configuration editing endpoints yet' };
/** Whether the configuration gives fields their skip logic and retirement. */
const SKIP_LOGIC = serverHasMember('FieldView', 'show_when') ? {} : { skip: 'server gives no skip logic yet' };
/** Whether the server imports XLSForm workbooks. */
const XLSFORM = serverHasPaths(['/api/v1/config/xlsform']) ? {} : { skip: 'server has no XLSForm import yet' };

// ---------------------------------------------------------------------------------------------
// The story

describe('a programme manager changes the configuration', { timeout: 300_000, ...EDITING }, () => {
  let story; // the server, the app and the browser (see openStory)
  let origin;
  let page;
  let caseId;

  const { screenshot, step } = storySteps({ page: () => page, artifacts: ARTIFACTS });
  const assertAccessible = (where) => checkAccessible(page, where);
  const signInAs = (username, heading) => signInThroughUi(page, username, heading);

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
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    story = await openStory({ prefix: 'caseward-configuration-', people: PEOPLE });
    ({ origin, page } = story);
  });

  after(() => story?.close());

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
  // -------------------------------------------------------------------------------------------
  // Skip logic and retired options in the case form

  let heldCaseId; // a GBV case whose incident type is "Physical assault", before it is retired
  const casesPosted = (r) => r.url().endsWith('/api/v1/cases') && r.request().method() === 'POST';
  const casePatched = (id) => (r) => r.url().endsWith(`/api/v1/cases/${id}`) && r.request().method() === 'PATCH';

  /** Open the new GBV case form and fill in its required fields. */
  const startGbvCase = async () => {
    await page.getByRole('link', { name: 'New case' }).click();
    await page.locator('#type-gbv').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('form.case-form').waitFor();
    const config = await page.evaluate(() => fetch('/api/v1/config').then((r) => r.json()));
    const gbv = config.case_types.find((c) => c.id === 'gbv');
    const fields = gbv.sections.filter((s) => s.stage == null || s.stage === gbv.stages[0]).flatMap((s) => s.fields);
    for (const field of fields.filter((f) => f.required && !f.show_when)) await fillValid(page, field, field.id);
  };

  /** Submit the new case form; the created case. */
  const createCase = async () => {
    const created = page.waitForResponse(casesPosted);
    await page.locator('form.case-form button[type=submit]').click();
    const answer = await created;
    assert.equal(answer.status(), 201, `the case is created: ${await answer.text()}`);
    await page.locator('#case-number').waitFor();
    return { sent: answer.request().postDataJSON(), body: await answer.json() };
  };

  /** Save the case form; what was sent and the case as saved. */
  const saveCase = async (id) => {
    const saved = page.waitForResponse(casePatched(id));
    await page.locator('form.case-form button[type=submit]').click();
    const answer = await saved;
    assert.equal(answer.status(), 200, `the case is saved: ${await answer.text()}`);
    await page.locator('.status-line .notice.success').waitFor();
    return { sent: answer.request().postDataJSON(), body: await answer.json() };
  };

  step('worker1 opens a GBV case whose incident type is "Physical assault"', async () => {
    await signInAs('worker1', 'My cases');
    await startGbvCase();
    await page.locator(`#${domId('incident_type')}`).selectOption('physical_assault');
    const { body } = await createCase();
    assert.equal(body.fields.incident_type, 'physical_assault');
    heldCaseId = body.id;
  }, SKIP_LOGIC);

  step('manager1 adds "Weapon used" (yes/no) and "Weapon described", asked only after "yes"', async () => {
    await signInAs('manager1', 'Users');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Configuration' }).click();
    await page.locator('#config-case-type').selectOption('gbv');
    await page.locator('#section-incident-add-field').click();
    await page.locator('#field-dialog').waitFor();
    await page.locator('#fe-id').fill('weapon_used');
    await page.locator('#fe-type').selectOption('yes_no');
    await page.locator('#fe-label-en').fill('Weapon used');
    await page.locator('#fe-label-fr').fill('Arme utilisée');
    await page.locator('#fe-label-ar').fill('استُخدم سلاح');
    assert.equal((await checkChange('field-editor')).valid, true);
    await saveChange('field-editor', 8);
    await page.locator('#field-dialog').waitFor({ state: 'detached' });
    await page.locator('#field-row-weapon_used').waitFor();

    await page.locator('#section-incident-add-field').click();
    await page.locator('#field-dialog').waitFor();
    await page.locator('#fe-id').fill('weapon_description');
    await page.locator('#fe-label-en').fill('Weapon described');
    await page.locator('#fe-label-fr').fill('Arme décrite');
    await page.locator('#fe-label-ar').fill('وصف السلاح');
    await page.locator('#fe-show_when-field').selectOption('weapon_used');
    await page.locator('#fe-show_when-values').check(); // "Yes"
    const report = await checkChange('field-editor');
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    await page.locator('#field-editor-changes', { hasText: 'field `weapon_description`: added' }).waitFor();
    // The preview follows the same rules as the case form: the text only once "yes" is chosen.
    await page.locator('#field-preview > summary').click();
    const preview = page.locator('#field-preview .form-preview');
    await preview.getByText('Weapon used').waitFor();
    assert.equal(await preview.getByLabel('Weapon described').count(), 0, 'not asked before "yes"');
    await preview.locator(`#${domId('weapon_used')}`).check();
    await preview.getByLabel('Weapon described').waitFor();
    await screenshot('skip-logic-preview', { fullPage: false });
    await saveChange('field-editor', 9);
    await page.locator('#field-row-weapon_description', { hasText: 'weapon_used' }).waitFor();
  }, SKIP_LOGIC);

  step('manager1 retires the option "Physical assault" of the incident types', async () => {
    await page.locator('#config-part-lists').click();
    await page.locator('#option-list-gbv_incident_type-edit').click();
    await page.locator('#option-list-dialog').waitFor();
    const index = await page.locator('#option-list-dialog [id^=ol-o][id$=-id]').evaluateAll((inputs) =>
      inputs.findIndex((input) => input.value === 'physical_assault'),
    );
    assert.ok(index >= 0, 'the list has "physical_assault"');
    await page.locator(`#ol-o${index}-retired`).check();
    const report = await checkChange('option-list-editor');
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    await saveChange('option-list-editor', 10);
    await page.locator('#option-list-row-gbv_incident_type', { hasText: 'retired' }).waitFor();
  }, SKIP_LOGIC);

  step('a new GBV case asks for the weapon only after "yes", saves without it, and offers no retired option', async () => {
    await signInAs('worker1', 'My cases');
    await startGbvCase();
    const used = page.locator(`#${domId('weapon_used')}`);
    const described = page.locator(`#${domId('weapon_description')}`);
    await used.waitFor();
    assert.equal(await described.count(), 0, 'not asked before "yes"');
    const incident = page.locator(`#${domId('incident_type')}`);
    assert.equal(await incident.locator('option[value=physical_assault]').count(), 0, 'the retired option is not offered');
    assert.ok((await incident.locator('option[value=sexual_assault]').count()) === 1, 'the other options are');
    await used.check();
    await described.waitFor();
    await described.fill('A knife');
    await screenshot('skip-logic-yes');
    await page.locator(`#${domId('weapon_used')}--no`).check();
    await described.waitFor({ state: 'detached' });
    await screenshot('skip-logic-no');
    const { sent, body } = await createCase();
    assert.equal(sent.fields.weapon_used, false);
    assert.ok(!('weapon_description' in sent.fields), 'the field not asked is not sent');
    assert.equal(body.fields.weapon_used, false);
    assert.ok(!('weapon_description' in body.fields));
    await assertAccessible('a new case with skip logic');
  }, SKIP_LOGIC);

  step('the case holding the retired option still shows it, keeps it, and clears what is no longer asked', async () => {
    await page.goto(`${origin}/#/cases/${heldCaseId}`);
    const incident = page.locator(`#${domId('incident_type')}`);
    await incident.waitFor();
    assert.equal(await incident.inputValue(), 'physical_assault');
    assert.match(await incident.locator('option:checked').innerText(), /Physical assault \(no longer offered\)/);
    await screenshot('retired-option-held');
    // "Yes" and a weapon: saved, the retired option kept.
    await page.locator(`#${domId('weapon_used')}`).check();
    await page.locator(`#${domId('weapon_description')}`).fill('A knife');
    let { sent, body } = await saveCase(heldCaseId);
    assert.deepEqual(sent.fields, { weapon_used: true, weapon_description: 'A knife' });
    assert.equal(body.fields.incident_type, 'physical_assault');
    assert.equal(body.fields.weapon_description, 'A knife');
    // "No": the weapon is no longer asked, so its value is cleared.
    await page.locator(`#${domId('weapon_used')}--no`).check();
    await page.locator(`#${domId('weapon_description')}`).waitFor({ state: 'detached' });
    ({ sent, body } = await saveCase(heldCaseId));
    assert.deepEqual(sent.fields, { weapon_used: false, weapon_description: null });
    assert.ok(!('weapon_description' in body.fields));
    assert.equal(body.fields.incident_type, 'physical_assault');
    await assertAccessible('a case holding a retired option');
  }, SKIP_LOGIC);
  // -------------------------------------------------------------------------------------------
  // XLSForm import

  /** A small XLSForm: a group with a text, an integer with a constraint, a select_one with its
   * choices, and a note (which has no Caseward field type). Labels in English only. */
  const wellbeingForm = () =>
    workbook([
      [
        'survey',
        [
          ['type', 'name', 'label::English (en)', 'required', 'constraint'],
          ['begin group', 'child', 'The child', '', ''],
          ['text', 'child_name', 'Name of the child', 'yes', ''],
          ['integer', 'child_age', 'Age of the child', 'yes', '. >= 0 and . <= 17'],
          ['select_one schooling', 'schooling', 'Goes to school', '', ''],
          ['note', 'consent_script', 'Read the consent script first', '', ''],
          ['end group', '', '', '', ''],
        ],
      ],
      [
        'choices',
        [
          ['list_name', 'name', 'label::English (en)'],
          ['schooling', 'in_school', 'In school'],
          ['schooling', 'out_of_school', 'Out of school'],
        ],
      ],
      ['settings', [['form_title'], ['Child wellbeing check']]],
    ]);
  const xlsformPosted = (r) => r.url().includes('/api/v1/config/xlsform?') && r.request().method() === 'POST';

  step('manager1 checks an XLSForm workbook: its changes, the note left out, the texts filled in', async () => {
    await signInAs('manager1', 'Users');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Configuration' }).click();
    await page.locator('#xlsform-open').click();
    await page.locator('#xlsform-dialog').waitFor();
    // Nothing chosen: refused at the inputs, nothing sent; the classification has no default.
    assert.equal(await page.locator('#xf-classification').inputValue(), '');
    await page.locator('#xlsform-editor-check').click();
    await page.locator('#xf-file--error').waitFor();
    await page.locator('#xf-classification--error').waitFor();
    await page.locator('#xf-file').setInputFiles({
      name: 'child-wellbeing.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: wellbeingForm(),
    });
    await page.locator('#xf-id').fill('wellbeing_check');
    await page.locator('#xf-code').fill('WBC');
    await page.locator('#xf-classification').selectOption('restricted');
    const answered = page.waitForResponse(xlsformPosted);
    await page.locator('#xlsform-editor-check').click();
    const answer = await answered;
    assert.equal(answer.status(), 200, `the check answers: ${await answer.text()}`);
    const query = new URL(answer.url()).searchParams;
    assert.equal(query.get('dry_run'), 'true');
    assert.equal(query.get('case_type'), 'wellbeing_check');
    assert.equal(query.get('code'), 'WBC');
    assert.equal(query.get('classification'), 'restricted');
    assert.equal(answer.request().headers()['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const report = await answer.json();
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    await page.locator('#xlsform-editor-changes', { hasText: 'wellbeing_check' }).waitFor();
    const leftOut = page.locator('#xlsform-editor-left-out');
    await leftOut.getByText('survey row 6, column type').waitFor();
    assert.match(await leftOut.innerText(), /"note" has no Caseward field type/);
    await page.locator('#xlsform-editor-notices', { hasText: 'no fr translation' }).waitFor();
    await screenshot('xlsform-checked', { fullPage: false });
    await assertAccessible('the XLSForm import with its check');
  }, XLSFORM);

  step('the import is made only once what is left out is accepted, and the case type is shown', async () => {
    const version = (await versions()).length + 1;
    // Importing without accepting what is left out: said at the box, nothing sent.
    let posts = 0;
    const count = (request) => {
      if (request.url().includes('/api/v1/config/xlsform?') && request.method() === 'POST') posts += 1;
    };
    page.on('request', count);
    await page.locator('#xlsform-editor-save', { hasText: `Import as version ${version}` }).click();
    await page.locator('#xf-accept--error').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'xf-accept');
    page.off('request', count);
    assert.equal(posts, 0, 'nothing is sent before what is left out is accepted');

    await page.locator('#xf-accept').check();
    const made = page.waitForResponse(xlsformPosted);
    const reread = page.waitForResponse((r) => r.url().endsWith('/api/v1/config') && r.request().method() === 'GET');
    await page.locator('#xlsform-editor-save').click();
    const answer = await made;
    assert.equal(answer.status(), 201, `the import is made: ${await answer.text()}`);
    const query = new URL(answer.url()).searchParams;
    assert.equal(query.get('accept_left_out'), 'true');
    assert.equal(query.get('dry_run'), null);
    assert.equal((await answer.json()).version.version, version);
    assert.equal((await reread).status(), 200, 'the app reads the configuration in force again');
    await page.locator('#config-saved', { hasText: `Version ${version} is saved` }).waitFor();
    await page.locator('#xlsform-dialog').waitFor({ state: 'detached' });
    await page.locator('#field-row-child_age').waitFor();
    assert.equal(await page.locator('#config-case-type').inputValue(), 'wellbeing_check');
    await page.locator('#field-row-schooling').waitFor();
    await screenshot('xlsform-imported');
  }, XLSFORM);

  step('worker1 is offered the imported case type, and its form keeps the constraint', async () => {
    await signInAs('worker1', 'My cases');
    await page.getByRole('link', { name: 'New case' }).click();
    await page.locator('#type-wellbeing_check').check();
    assert.match(await page.locator('label[for=type-wellbeing_check]').innerText(), /Child wellbeing check/);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('form.case-form').waitFor();
    await page.locator(`#${domId('child_name')}`).fill('Test Child');
    await page.locator(`#${domId('schooling')}`).selectOption('in_school');
    const age = page.locator(`#${domId('child_age')}`);
    await age.fill('18');
    const refused = page.waitForResponse(casesPosted);
    await page.locator('form.case-form button[type=submit]').click();
    assert.equal((await refused).status(), 422);
    await page.locator(`#${domId('child_age')}--error`, { hasText: 'at most 17' }).waitFor();
    await age.fill('9');
    const { body } = await createCase();
    assert.equal(body.case_type, 'wellbeing_check');
    assert.deepEqual(body.fields, { child_name: 'Test Child', child_age: 9, schooling: 'in_school' });
    await screenshot('xlsform-case-created');
  }, XLSFORM);
});
