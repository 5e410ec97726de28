// The case page's "Consent" panel: what the person (or, for a child, the child and their
// guardian) agreed may be shared, with whom and why; recording a consent and withdrawing one.
// For GBV cases the survivor controls sharing: a share needs a consent naming the recipient,
// and withdrawing a consent ends the access that relied on it at once. A consent names a user
// of this instance, an agency of this instance (covering whoever works for it) or another
// organisation by name.

import { useState } from 'preact/hooks';
import {
  api,
  type Agency,
  type Case,
  type CaseType,
  type Config,
  type Consent,
  type ConsentInformation,
  type ConsentRecipientRequest,
  type ConsentRequest,
  type UserRef,
} from '../api';
import { ErrorNotice, Loading, SuccessNotice } from '../components';
import { Dialog, DialogForm, focusFirstInvalid, HintAndError, placeErrors, Required, TextField, type FieldErrors } from '../dialog';
import { todayLocal } from '../form/model';
import { formatDate, formatDateTime, label, t } from '../i18n';
import { UserPicker } from '../UserPicker';
import { childCase, survivorControlled } from './access';
import { useLoad } from '../load';
import { ReasonDialog, useDirectory } from './common';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

/** Names of people by id, from the directory (a consent names people by id). */
type Names = Map<string, string>;

/** The server names people on a consent; a name it could not find falls back to the directory. */
function personName(names: Names, person: { id: string; display_name: string } | null | undefined): string {
  if (!person) return '';
  return person.display_name || (names.get(person.id) ?? t('consent.unknownPerson'));
}

function recipientName(consent: Consent, names: Names): string {
  const r = consent.recipient;
  return r.agency ?? personName(names, r.user);
}

/** What kind of recipient a consent names, in words: an agency of this instance, another
 * organisation, or nothing more for a person. */
function recipientKind(consent: Consent): string | null {
  const r = consent.recipient;
  if (r.agency_id) return t('consent.kindOurAgency');
  if (r.agency) return t('consent.kindOther');
  return null;
}

function fieldLabels(caseType: CaseType): Map<string, string> {
  return new Map(caseType.sections.flatMap((s) => s.fields).map((f) => [f.id, label(f.label)]));
}

function informationText(information: ConsentInformation, labels: Map<string, string>): string {
  if (information.up_to) return information.up_to === 'restricted' ? t('consent.upToRestricted') : t('consent.upToStandard');
  return t('consent.onlyFields', { fields: (information.fields ?? []).map((id) => labels.get(id) ?? id).join(', ') });
}

function yesNo(value: boolean | null | undefined): string {
  return value === true ? t('common.yes') : value === false ? t('common.no') : t('case.notRecorded');
}

export function ConsentPanel({ config, caseType, item }: { config: Config; caseType: CaseType; item: Case }) {
  const mayRecord = item.access.may_grant_fields;
  const child = childCase(caseType);
  const panel = useDisclosure(() => api.consents(item.id), [item.id]);
  const consents = panel.data;
  const directory = useDirectory(panel.opened);
  const names: Names = new Map((directory.users ?? []).map((u) => [u.id, u.display_name]));
  const [recording, setRecording] = useState(false);
  const [withdrawing, setWithdrawing] = useState<Consent | null>(null);
  const [notice, setNotice] = useState('');
  const labels = fieldLabels(caseType);

  const refresh = (message: string) => {
    setRecording(false);
    setWithdrawing(null);
    setNotice(message);
    panel.reload();
  };

  const active = (consents ?? []).filter((c) => !c.withdrawn_at);
  const withdrawn = (consents ?? []).filter((c) => c.withdrawn_at);

  return (
    <Disclosure
      id="consent-panel"
      state={panel}
      title={t('consent.title')}
      summary={survivorControlled(caseType) ? t('consent.summarySurvivor') : t('consent.summary')}
      outside={
        <>
          {recording && (
            <ConsentDialog
              config={config}
              caseType={caseType}
              item={item}
              onClose={() => setRecording(false)}
              onDone={() => refresh(t('consent.recorded'))}
            />
          )}
          {withdrawing && (
            <ReasonDialog
              id="withdraw-consent-dialog"
              title={t('consent.withdrawTitle', { name: recipientName(withdrawing, names) })}
              explanation={t('consent.withdrawText')}
              submitLabel={t('consent.withdrawSubmit')}
              onClose={() => setWithdrawing(null)}
              run={async (reason) => {
                await api.withdrawConsent(item.id, withdrawing.id, { reason });
                refresh(t('consent.withdrawnDone'));
              }}
            />
          )}
        </>
      }
    >
      {survivorControlled(caseType) && <p class="notice info consent-survivor">{t('consent.survivorControls')}</p>}
      <SuccessNotice text={notice} />
      <DisclosureResults state={panel} plain>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">{t('consent.none')}</p>
          ) : (
            <ul class="consent-list" id="consent-list">
              {[...active, ...withdrawn].map((consent) => (
                <li key={consent.id} class={`consent-item${consent.withdrawn_at ? ' withdrawn' : ''}`}>
                  <div class="consent-head">
                    <strong>
                      <bdi>{recipientName(consent, names)}</bdi>
                    </strong>
                    {recipientKind(consent) && <span class="muted"> · {recipientKind(consent)}</span>}{' '}
                    <span class={`badge ${consent.withdrawn_at ? 'badge-muted' : 'badge-ok'}`}>
                      {consent.withdrawn_at ? t('consent.withdrawn') : t('consent.active')}
                    </span>
                  </div>
                  <dl class="ro-list compact">
                    <div class="ro-row">
                      <dt>{t('consent.information')}</dt>
                      <dd>{informationText(consent.information, labels)}</dd>
                    </div>
                    <div class="ro-row">
                      <dt>{t('consent.purpose')}</dt>
                      <dd>
                        <bdi>{consent.purpose}</bdi>
                      </dd>
                    </div>
                    <div class="ro-row">
                      <dt>{t('consent.givenOn')}</dt>
                      <dd>{formatDate(consent.given_on)}</dd>
                    </div>
                    <div class="ro-row">
                      <dt>{t('consent.recordedBy')}</dt>
                      <dd>
                        {personName(names, consent.recorded_by)} · {formatDateTime(consent.recorded_at)}
                      </dd>
                    </div>
                    {child && (
                      <>
                        <div class="ro-row">
                          <dt>{t('consent.guardian')}</dt>
                          <dd>{yesNo(consent.guardian_involved)}</dd>
                        </div>
                        <div class="ro-row">
                          <dt>{t('consent.assent')}</dt>
                          <dd>{yesNo(consent.child_assent)}</dd>
                        </div>
                      </>
                    )}
                    {consent.withdrawn_at && (
                      <div class="ro-row">
                        <dt>{t('consent.withdrawnOn')}</dt>
                        <dd>
                          {formatDateTime(consent.withdrawn_at)}
                          {consent.withdraw_reason ? (
                            <>
                              {' — '}
                              <bdi>{consent.withdraw_reason}</bdi>
                            </>
                          ) : null}
                        </dd>
                      </div>
                    )}
                  </dl>
                  {mayRecord && !consent.withdrawn_at && (
                    <button type="button" class="button link danger" onClick={() => setWithdrawing(consent)}>
                      {t('consent.withdraw', { name: recipientName(consent, names) })}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </DisclosureResults>
      {mayRecord && consents && (
        <p>
          <button type="button" class="button secondary" id="consent-open" onClick={() => setRecording(true)}>
            {t('consent.record')}
          </button>
        </p>
      )}
    </Disclosure>
  );
}

type Scope = 'standard' | 'restricted' | 'fields';

/** To whom: a user of this instance, an agency of this instance, or another organisation. */
type RecipientKind = 'user' | 'our-agency' | 'other';

/** The agencies of this instance (`GET /api/v1/agencies`), by name, loaded when the dialog opens. */
function useAgencies(): { agencies: Agency[] | null; error: unknown; retry: () => void } {
  const agencies = useLoad(() => api.agencies().then((list) => [...list].sort((a, b) => a.name.localeCompare(b.name))), []);
  return { agencies: agencies.data, error: agencies.error, retry: agencies.reload };
}

function ConsentDialog({
  caseType,
  item,
  onClose,
  onDone,
}: {
  config: Config;
  caseType: CaseType;
  item: Case;
  onClose: () => void;
  onDone: () => void;
}) {
  const directory = useDirectory();
  const ours = useAgencies();
  const child = childCase(caseType);
  const [kind, setKind] = useState<RecipientKind>('user');
  const [user, setUser] = useState<UserRef | null>(null);
  const [agencyId, setAgencyId] = useState('');
  const [agency, setAgency] = useState('');
  const [scope, setScope] = useState<Scope>('standard');
  const [chosen, setChosen] = useState<string[]>([]);
  const [purpose, setPurpose] = useState('');
  const [givenOn, setGivenOn] = useState(todayLocal());
  const [guardian, setGuardian] = useState<boolean | null>(null);
  const [assent, setAssent] = useState<boolean | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // Confidential fields never leave the assigned worker, whatever a consent says.
  const sections = caseType.sections
    .map((s) => ({ section: s, fields: s.fields.filter((f) => f.classification !== 'confidential') }))
    .filter((s) => s.fields.length > 0);

  const submit = async () => {
    const missing: FieldErrors = {};
    if (kind === 'user' && !user) missing['consent-user'] = t('picker.required');
    if (kind === 'our-agency' && !agencyId) missing['consent-our-agency'] = t('consent.ourAgencyRequired');
    if (kind === 'other' && !agency.trim()) missing['consent-agency'] = t('consent.agencyRequired');
    if (scope === 'fields' && chosen.length === 0) missing['consent-fields'] = t('consent.fieldsRequired');
    if (!purpose.trim()) missing['consent-purpose'] = t('consent.purposeRequired');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(givenOn)) missing['consent-given'] = t('consent.dateRequired');
    if (child && guardian === null) missing['consent-guardian'] = t('consent.answerRequired');
    if (child && assent === null) missing['consent-assent'] = t('consent.answerRequired');
    else if (givenOn > todayLocal()) missing['consent-given'] = t('validation.in_future');
    setErrors(missing);
    if (Object.keys(missing).length) {
      focusFirstInvalid('consent-dialog');
      return;
    }
    const recipient: ConsentRecipientRequest =
      kind === 'user' && user ? { user_id: user.id } : kind === 'our-agency' ? { agency_id: agencyId } : { agency: agency.trim() };
    const body: ConsentRequest = {
      recipient,
      information: scope === 'fields' ? { fields: chosen } : { up_to: scope },
      purpose: purpose.trim(),
      given_on: givenOn,
      ...(child ? { guardian_involved: guardian, child_assent: assent } : {}),
    };
    setBusy(true);
    setFailure(null);
    try {
      await api.recordConsent(item.id, body);
      onDone();
    } catch (caught) {
      const placed = placeErrors(caught, {
        'recipient.user_id': 'consent-user',
        'recipient.agency_id': 'consent-our-agency',
        'recipient.agency': 'consent-agency',
        recipient: kind === 'user' ? 'consent-user' : kind === 'our-agency' ? 'consent-our-agency' : 'consent-agency',
        information: 'consent-fields',
        'information.fields': 'consent-fields',
        'information.up_to': 'consent-fields',
        purpose: 'consent-purpose',
        given_on: 'consent-given',
        guardian_involved: 'consent-guardian',
        child_assent: 'consent-assent',
      });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('consent-dialog');
      } else {
        setFailure(caught);
      }
      setBusy(false);
    }
  };

  const radio = (name: string, id: string, checked: boolean, onChange: () => void, text: string, invalid?: boolean) => (
    <div class="choice">
      <input type="radio" name={name} id={id} checked={checked} onChange={onChange} aria-invalid={invalid ? 'true' : undefined} />
      <label for={id}>{text}</label>
    </div>
  );

  /** A required yes/no question for a child's case. */
  const yesNoGroup = (id: string, legend: string, hint: string, value: boolean | null, set: (v: boolean) => void) => {
    const error = errors[id];
    return (
      <fieldset class={`field group${error ? ' invalid' : ''}`} id={id} aria-describedby={`${id}--help${error ? ` ${id}--error` : ''}`}>
        <legend>
          {legend}
          <Required />
        </legend>
        <HintAndError id={id} hint={hint} error={error} />
        <div class="choices inline">
          {radio(id, `${id}-yes`, value === true, () => set(true), t('common.yes'), Boolean(error))}
          {radio(id, `${id}-no`, value === false, () => set(false), t('common.no'), Boolean(error))}
        </div>
      </fieldset>
    );
  };

  const fieldsError = errors['consent-fields'];
  return (
    <Dialog id="consent-dialog" title={t('consent.recordTitle')} onClose={onClose} wide>
      {survivorControlled(caseType) && <p class="notice info">{t('consent.survivorControls')}</p>}
      {directory.error || ours.error ? (
        <ErrorNotice
          error={directory.error || ours.error}
          onRetry={() => {
            if (directory.error) directory.retry();
            if (ours.error) ours.retry();
          }}
        />
      ) : !directory.users || !ours.agencies ? (
        <Loading />
      ) : (
        <DialogForm onSubmit={submit} onCancel={onClose} busy={busy} error={failure} submitLabel={t('consent.recordSubmit')}>
          <fieldset class="field group">
            <legend>
              {t('consent.recipient')}
              <Required />
            </legend>
            <div class="choices">
              {radio('consent-kind', 'consent-kind-user', kind === 'user', () => setKind('user'), t('consent.recipientUser'))}
              {radio('consent-kind', 'consent-kind-our-agency', kind === 'our-agency', () => setKind('our-agency'), t('consent.recipientOurAgency'))}
              {radio('consent-kind', 'consent-kind-other', kind === 'other', () => setKind('other'), t('consent.recipientAgency'))}
            </div>
          </fieldset>
          {kind === 'user' ? (
            <UserPicker
              id="consent-user"
              label={t('consent.recipientUserLabel')}
              users={directory.users.filter((u) => u.id !== item.assigned_to?.id)}
              value={user}
              onChange={setUser}
              required
              error={errors['consent-user']}
            />
          ) : kind === 'our-agency' ? (
            <AgencyChoice agencies={ours.agencies} value={agencyId} onChange={setAgencyId} error={errors['consent-our-agency']} />
          ) : (
            <TextField
              id="consent-agency"
              label={t('consent.agencyName')}
              hint={t('consent.agencyNameHint')}
              required
              value={agency}
              onInput={setAgency}
              error={errors['consent-agency']}
            />
          )}

          <fieldset class={`field group${fieldsError ? ' invalid' : ''}`} id="consent-fields" aria-describedby={fieldsError ? 'consent-fields--error' : undefined}>
            <legend>
              {t('consent.information')}
              <Required />
            </legend>
            <HintAndError id="consent-fields" error={fieldsError} />
            <div class="choices">
              {radio('consent-scope', 'consent-scope-standard', scope === 'standard', () => setScope('standard'), t('consent.upToStandard'))}
              {radio('consent-scope', 'consent-scope-restricted', scope === 'restricted', () => setScope('restricted'), t('consent.upToRestricted'))}
              {radio('consent-scope', 'consent-scope-fields', scope === 'fields', () => setScope('fields'), t('consent.specificFields'))}
            </div>
            {scope === 'fields' && (
              <div class="consent-field-choice">
                <p class="hint">{t('consent.fieldsHint')}</p>
                {sections.map(({ section, fields }) => (
                  <div key={section.id} class="consent-section">
                    <h3 class="consent-section-title" id={`consent-s-${section.id}`}>
                      {label(section.label)}
                    </h3>
                    <div class="choices columns" role="group" aria-labelledby={`consent-s-${section.id}`}>
                      {fields.map((f) => (
                        <div class="choice" key={f.id}>
                          <input
                            type="checkbox"
                            id={`consent-f-${f.id}`}
                            checked={chosen.includes(f.id)}
                            aria-invalid={fieldsError ? 'true' : undefined}
                            onChange={(e) => {
                              const on = (e.currentTarget as HTMLInputElement).checked;
                              setChosen((list) => (on ? [...list, f.id] : list.filter((x) => x !== f.id)));
                            }}
                          />
                          <label for={`consent-f-${f.id}`}>{label(f.label)}</label>
                        </div>
                      ))}
                    </div>
                  </div>
                ))}
              </div>
            )}
          </fieldset>

          <TextField id="consent-purpose" label={t('consent.purpose')} hint={t('consent.purposeHint')} multiline required value={purpose} onInput={setPurpose} error={errors['consent-purpose']} />
          <TextField id="consent-given" label={t('consent.givenOn')} type="date" narrow required value={givenOn} max={todayLocal()} onInput={setGivenOn} error={errors['consent-given']} />
          {child && yesNoGroup('consent-guardian', t('consent.guardian'), t('consent.guardianHint'), guardian, setGuardian)}
          {child && yesNoGroup('consent-assent', t('consent.assent'), t('consent.assentHint'), assent, setAssent)}
        </DialogForm>
      )}
    </Dialog>
  );
}

/** An agency of this instance, from the list; the consent then covers whoever works for it. */
function AgencyChoice({
  agencies,
  value,
  onChange,
  error,
}: {
  agencies: Agency[];
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
}) {
  const id = 'consent-our-agency';
  const hint = agencies.length ? t('consent.ourAgencyHint') : t('consent.noAgencies');
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {t('consent.ourAgency')}
        <Required />
      </label>
      <HintAndError id={id} hint={hint} error={error} />
      <select
        id={id}
        required
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${id}--help${error ? ` ${id}--error` : ''}`}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">{t('common.choose')}</option>
        {agencies.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
}
