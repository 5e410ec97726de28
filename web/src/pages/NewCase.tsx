import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type CaseType, type Config, type FieldProblem, type Intensity, type User } from '../api';
import { ErrorNotice, PageTitle } from '../components';
import { TextField } from '../dialog';
import { CaseForm } from '../form/CaseForm';
import { focusFirstError, toShown } from '../form/errors';
import type { LocalProblem } from '../form/model';
import { caseDrafts, domId, initialStage, type Draft, type Drafts } from '../form/model';
import { collect } from '../form/send';
import { isolate, label, t } from '../i18n';
import { stageLabel } from '../labels';
import { can } from '../roles';
import { href, navigate, setLeaveGuard } from '../router';
import { rememberCase } from '../state';

export function NewCasePage({ config, caseTypeId, me }: { config: Config; caseTypeId: string | null; me: User }) {
  const caseType = caseTypeId ? config.case_types.find((c) => c.id === caseTypeId) : undefined;
  if (!caseType) return <ChooseType config={config} />;
  return <NewCaseForm key={caseType.id} config={config} caseType={caseType} me={me} />;
}

function ChooseType({ config }: { config: Config }) {
  const [chosen, setChosen] = useState(config.case_types[0]?.id ?? '');
  return (
    <>
      <p class="crumbs">
        <a href={href({ name: 'list', params: new URLSearchParams() })}>{t('nav.myCases')}</a>
      </p>
      <PageTitle text={t('new.title')} />
      {config.case_types.length === 0 ? (
        <p class="notice info">{t('new.noTypes')}</p>
      ) : (
        <form
          class="card narrow-card"
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) navigate({ name: 'new', caseType: chosen });
          }}
        >
          <fieldset class="field group">
            <legend>{t('new.chooseType')}</legend>
            <div class="choices cards">
              {config.case_types.map((c) => (
                <div class="choice type-choice" key={c.id}>
                  <input
                    type="radio"
                    name="case_type"
                    id={`type-${c.id}`}
                    value={c.id}
                    checked={chosen === c.id}
                    onChange={() => setChosen(c.id)}
                  />
                  <label for={`type-${c.id}`}>
                    <span class="type-name">{label(c.name)}</span>
                    <span class="type-code" dir="ltr">
                      {c.code}
                    </span>
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <button type="submit" class="button primary">
            {t('new.continue')}
          </button>
        </form>
      )}
    </>
  );
}

function NewCaseForm({ config, caseType, me }: { config: Config; caseType: CaseType; me: User }) {
  const stage = initialStage(caseType);
  const [drafts, setDrafts] = useState<Drafts>(() => caseDrafts(caseType, {}));
  const [intensity, setIntensity] = useState<number>(caseType.default_intensity);
  // Problems as received; shown (labels, messages) in the current language at each render.
  const [problems, setProblems] = useState<Array<FieldProblem | LocalProblem>>([]);
  const errors = toShown(caseType, problems);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [focusErrors, setFocusErrors] = useState(0);
  /** The server's figures when the case would take its creator above the maximum caseload. */
  const [exceeded, setExceeded] = useState<string | null>(null);
  const [override, setOverride] = useState('');
  const [overrideError, setOverrideError] = useState('');
  const mayOverride = can(me, 'override_caseload');

  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    setLeaveGuard(() => window.confirm(t('case.unsaved')));
    window.addEventListener('beforeunload', onUnload);
    return () => {
      setLeaveGuard(null);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [dirty]);

  useEffect(() => {
    if (focusErrors) focusFirstError(errors);
  }, [focusErrors]);

  const onChange = (id: string, change: (previous: Draft | undefined) => Draft) => {
    setDirty(true);
    setDrafts((d) => ({ ...d, [id]: change(d[id]) }));
  };

  const submit = async () => {
    if (busy) return;
    const { fields, problems: local } = collect(config, caseType, stage, drafts);
    if (local.length) {
      setProblems(local);
      setFocusErrors((n) => n + 1);
      return;
    }
    const overriding = exceeded !== null && mayOverride;
    if (overriding && !override.trim()) {
      setOverrideError(t('new.overrideRequired'));
      document.getElementById('new-override')?.focus();
      return;
    }
    setOverrideError('');
    setBusy(true);
    setFailure(null);
    try {
      const body = {
        case_type: caseType.id,
        fields,
        ...(intensity !== caseType.default_intensity ? { intensity } : {}),
        ...(overriding ? { caseload_override_reason: override.trim() } : {}),
      };
      const { caseload, ...created } = await api.createCase(body);
      setProblems([]);
      setLeaveGuard(null);
      rememberCase(created, t('case.created', { number: isolate(created.case_number) }), caseload);
      navigate({ name: 'case', id: created.id }, true);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 422 && caught.errors.length > 0) {
        setProblems(caught.errors);
        setFocusErrors((n) => n + 1);
      } else if (caught instanceof ApiError && caught.status === 409 && caught.problem === 'caseload-exceeded') {
        setProblems([]);
        setExceeded(caught.detail ?? '');
        requestAnimationFrame(() => document.getElementById(mayOverride ? 'new-override' : 'new-exceeded')?.focus());
      } else {
        setProblems([]);
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <p class="crumbs">
        <a href={href({ name: 'list', params: new URLSearchParams() })}>{t('nav.myCases')}</a>
        <span aria-hidden="true"> / </span>
        <a href={href({ name: 'new', caseType: null })}>{t('new.changeType')}</a>
      </p>
      <PageTitle text={t('new.titleWithType', { type: label(caseType.name) })} />
      <p class="muted">
        {t('new.stageNote', { stage: stageLabel(config, stage), required: '*' })}
      </p>
      {failure ? <ErrorNotice error={failure} /> : null}
      <CaseForm
        config={config}
        caseType={caseType}
        stage={stage}
        drafts={drafts}
        onChange={onChange}
        errors={errors}
        disabled={false}
        onSubmit={submit}
        lead={
          <>
            {exceeded !== null && (
              <div class="card exceeded-box">
                <div class="notice error" role="alert" id="new-exceeded" tabIndex={-1}>
                  <p>
                    <strong>{t('new.exceededTitle')}</strong>
                  </p>
                  {exceeded && (
                    <p>
                      <bdi>{exceeded}</bdi>
                    </p>
                  )}
                  {!mayOverride && <p>{t('new.exceededWorker')}</p>}
                </div>
                {mayOverride && (
                  <TextField
                    id="new-override"
                    label={t('new.override')}
                    hint={t('new.overrideHint')}
                    multiline
                    required
                    value={override}
                    onInput={setOverride}
                    error={overrideError || undefined}
                  />
                )}
              </div>
            )}
            <IntensityField value={intensity} onChange={setIntensity} error={errors.find((e) => e.path === 'intensity')?.message} />
          </>
        }
      >
        <button type="submit" class="button primary" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('new.creating') : exceeded !== null && mayOverride ? t('new.createOverride') : t('new.create')}
        </button>
        <a class="button secondary" href={href({ name: 'list', params: new URLSearchParams() })}>
          {t('common.cancel')}
        </a>
      </CaseForm>
    </>
  );
}

/** The case's intensity; the server names it `intensity` in a 422, like a field. */
function IntensityField({
  value,
  onChange,
  error,
}: {
  value: number;
  onChange: (value: Intensity) => void;
  error: string | undefined;
}) {
  const id = domId('intensity');
  return (
    <div class="card intensity-card">
      <div class={`field${error ? ' invalid' : ''}`} data-path="intensity">
        <label for={id}>{t('new.intensity')}</label>
        <p class="hint" id={`${id}--help`}>
          {t('new.intensityHint')}
        </p>
        {error && (
          <p class="field-error" id={`${id}--error`}>
            <span class="sr-only">{t('form.errorPrefix')} </span>
            {error}
          </p>
        )}
        <select
          id={id}
          class="narrow"
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={`${id}--help${error ? ` ${id}--error` : ''}`}
          value={String(value)}
          onChange={(e) => {
            const level = Number((e.currentTarget as HTMLSelectElement).value);
            if (level === 1 || level === 2 || level === 3) onChange(level);
          }}
        >
          {([1, 2, 3] as const).map((level) => (
            <option key={level} value={String(level)}>
              {t(`intensity.${level}`)}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
