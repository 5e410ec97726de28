import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  type Case,
  type CaseloadOutcome,
  type CaseType,
  type Config,
  type FieldProblem,
  type User,
} from '../api';
import { AccessLog } from '../case/AccessLog';
import { AccessPanel } from '../case/AccessPanel';
import { AttachmentsPanel } from '../case/AttachmentsPanel';
import { CarePlanPanel } from '../case/CarePlanPanel';
import { ConsentPanel } from '../case/ConsentPanel';
import { NotesPanel } from '../case/NotesPanel';
import { PanelDecisionsPanel, type PanelRequest } from '../case/PanelDecisions';
import { QualityReviewPanel } from '../case/QualityReviewPanel';
import { ReassignDialog } from '../case/ReassignDialog';
import { MoveControl, StageHistory } from '../case/Workflow';
import { CaseloadNotice } from '../caseload';
import { describeActionError, ErrorNotice, Loading, PageTitle } from '../components';
import { CaseForm } from '../form/CaseForm';
import { focusFirstError, toShown } from '../form/errors';
import type { LocalProblem } from '../form/model';
import { caseDrafts, withheldFor, type Draft, type Drafts } from '../form/model';
import { changes } from '../form/send';
import { formatDateTime, t } from '../i18n';
import { intensityLabel, stageLabel, typeName } from '../labels';
import { homeRoute } from '../roles';
import { href, setLeaveGuard } from '../router';
import { takeRememberedCase } from '../state';
import { CaseNotFoundPage, NoAccessPage } from './Problem';

interface CaseloadShown {
  outcome: CaseloadOutcome;
  /** Whose caseload: null for the signed-in user's own. */
  name: string | null;
}

export function CaseViewPage({ config, id, me }: { config: Config; id: string; me: User }) {
  const [item, setItem] = useState<Case | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [caseload, setCaseload] = useState<CaseloadShown | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    const handed = attempt === 0 ? takeRememberedCase(id) : null;
    if (handed) {
      setItem(handed.item);
      setMessage(handed.message);
      setCaseload(handed.caseload ? { outcome: handed.caseload, name: null } : null);
      return;
    }
    setItem(null);
    setLoadError(null);
    api
      .getCase(id)
      .then((c) => live && setItem(c))
      .catch((e) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [id, attempt]);

  if (loadError instanceof ApiError && loadError.status === 404) return <CaseNotFoundPage home={homeRoute(me)} />;
  if (loadError instanceof ApiError && loadError.status === 403) {
    return <NoAccessPage home={homeRoute(me)} detail={loadError.detail} />;
  }
  if (loadError) {
    return (
      <>
        <Crumbs />
        <PageTitle text={t('case.title', { number: '' }).trim()} />
        <ErrorNotice error={loadError} onRetry={() => setAttempt((n) => n + 1)} />
      </>
    );
  }
  if (!item) return <Loading />;
  const caseType = config.case_types.find((c) => c.id === item.case_type);
  if (!caseType) {
    return (
      <>
        <Crumbs />
        <PageTitle text={item.case_number} />
        <p class="notice error" role="alert">
          {item.case_type}
        </p>
      </>
    );
  }
  return (
    <CaseEditor
      key={`${item.id}:${attempt}`}
      config={config}
      caseType={caseType}
      initial={item}
      initialMessage={message}
      initialCaseload={caseload}
      onReloaded={() => setMessage('')}
      me={me}
    />
  );
}

function Crumbs() {
  return (
    <p class="crumbs">
      <a href={href({ name: 'list', params: new URLSearchParams() })}>{t('nav.myCases')}</a>
    </p>
  );
}

function CaseHeader({ config, item, children }: { config: Config; item: Case; children?: ComponentChildren }) {
  return (
    <div class="case-head card">
      <dl class="facts">
        <div>
          <dt>{t('case.yourAccess')}</dt>
          <dd id="case-relationship">{t(`relationship.${item.access.relationship}`)}</dd>
        </div>
        <div>
          <dt>{t('case.type')}</dt>
          <dd>{typeName(config, item.case_type)}</dd>
        </div>
        <div>
          <dt>{t('case.stage')}</dt>
          <dd>
            <span class="badge" id="case-stage">{stageLabel(config, item.stage)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('case.assigned')}</dt>
          <dd>{item.assigned_to?.display_name || t('case.unassigned')}</dd>
        </div>
        <div>
          <dt>{t('case.intensity')}</dt>
          <dd>
            <span class={`intensity i${String(item.intensity)}`}>{intensityLabel(item.intensity)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('case.version')}</dt>
          <dd id="case-version" dir="ltr">
            {item.version}
          </dd>
        </div>
        <div>
          <dt>{t('case.updated')}</dt>
          <dd>
            <time dateTime={item.updated_at}>{formatDateTime(item.updated_at)}</time>
          </dd>
        </div>
      </dl>
      {children}
    </div>
  );
}

function CaseEditor({
  config,
  caseType,
  initial,
  initialMessage,
  initialCaseload,
  onReloaded,
  me,
}: {
  config: Config;
  caseType: CaseType;
  initial: Case;
  initialMessage: string;
  initialCaseload: CaseloadShown | null;
  onReloaded: () => void;
  me: User;
}) {
  const [item, setItem] = useState(initial);
  const [caseload, setCaseload] = useState<CaseloadShown | null>(initialCaseload);
  const [reassigning, setReassigning] = useState(false);
  // The Move dialog's way to the panel decisions: a refusal for want of one (the panel's form
  // then offers that move), and the person's choice to record it now.
  const [panelRequest, setPanelRequest] = useState<PanelRequest | null>(null);
  const [, setPanelRefusals] = useState(0);
  const access = item.access;
  const withheld = useMemo(() => withheldFor(item.restricted, item.access.relationship), [item]);
  const readOnly = !access.may_update;
  const [base, setBase] = useState<Drafts>(() => caseDrafts(caseType, initial.fields ?? {}));
  const [drafts, setDrafts] = useState<Drafts>(base);
  // Problems as received; shown (labels, messages) in the current language at each render.
  const [problems, setProblems] = useState<Array<FieldProblem | LocalProblem>>([]);
  const errors = toShown(caseType, problems);
  const [failure, setFailure] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState(initialMessage);
  const [focusErrors, setFocusErrors] = useState(0);
  const stage = item.stage;
  const dirty = drafts !== base && Object.keys(changes(config, caseType, stage, base, drafts, withheld).fields).length > 0;

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
    setStatus('');
    setDrafts((d) => ({ ...d, [id]: change(d[id]) }));
  };

  const adopt = (fresh: Case) => {
    const next = caseDrafts(caseType, fresh.fields ?? {});
    setItem(fresh);
    setBase(next);
    setDrafts(next);
  };

  const save = async () => {
    if (busy || readOnly) return;
    const { fields, problems: local } = changes(config, caseType, stage, base, drafts, withheld);
    if (local.length) {
      setProblems(local);
      setFocusErrors((n) => n + 1);
      return;
    }
    if (Object.keys(fields).length === 0) {
      setProblems([]);
      setStatus(t('case.noChanges'));
      return;
    }
    setBusy(true);
    setFailure(null);
    setStatus('');
    try {
      const saved = await api.updateCase(item.id, { version: item.version, fields });
      setProblems([]);
      adopt(saved);
      setStatus(t('case.saved', { version: saved.version }));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        setProblems([]);
        setConflict(true);
        requestAnimationFrame(() => document.getElementById('reload-case')?.focus());
      } else if (caught instanceof ApiError && (caught.status === 422 || caught.status === 403) && caught.errors.length > 0) {
        // A 403 naming fields: values withheld from this user, placed where they were typed.
        setProblems(caught.errors);
        setFocusErrors((n) => n + 1);
      } else {
        setProblems([]);
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await api.getCase(item.id);
      adopt(fresh);
      setConflict(false);
      setProblems([]);
      onReloaded();
      setStatus('');
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  /** The case as it is now, after something beside its form changed (a care plan saved or
   * decided on: the moves it offers may differ). Unsaved changes in the form stay; a case that
   * changed meanwhile is taken whole only when there are none (else saving them meets the 409). */
  const refresh = async () => {
    try {
      const fresh = await api.getCase(item.id);
      if (fresh.version === item.version) setItem(fresh);
      else if (!dirty) adopt(fresh);
    } catch {
      // The panel that asked has already said what it did; the case stays as shown.
    }
  };

  return (
    <>
      <Crumbs />
      <div class="page-head">
        <PageTitle text={t('case.title', { number: item.case_number })}>
          <span class="case-number" dir="ltr" id="case-number">
            {item.case_number}
          </span>
        </PageTitle>
        {access.may_reassign && (
          <button type="button" class="button secondary" id="reassign-open" onClick={() => setReassigning(true)}>
            {t('reassign.open')}
          </button>
        )}
      </div>
      <CaseHeader config={config} item={item}>
        <MoveControl
          config={config}
          caseType={caseType}
          item={item}
          confirmLeave={() => !dirty || window.confirm(t('move.unsaved'))}
          onMoved={(moved) => {
            adopt(moved);
            setConflict(false);
            setProblems([]);
            setFailure(null);
            setStatus(t('move.done', { stage: stageLabel(config, moved.stage) }));
          }}
          onReload={async () => {
            const fresh = await api.getCase(item.id);
            adopt(fresh);
            setConflict(false);
            setProblems([]);
            setStatus('');
          }}
          onPanelRefused={() => setPanelRefusals((n) => n + 1)}
          onPanelDecision={(to) => setPanelRequest((r) => ({ to, n: (r?.n ?? 0) + 1 }))}
        />
      </CaseHeader>
      <div class="status-line" role="status" aria-live="polite">
        {status && <p class="notice success">{status}</p>}
      </div>
      {caseload && <CaseloadNotice outcome={caseload.outcome} name={caseload.name} />}
      {reassigning && (
        <ReassignDialog
          item={item}
          onClose={() => setReassigning(false)}
          onDone={(result, name) => {
            setReassigning(false);
            adopt(result.case);
            setStatus(t('reassign.done', { name }));
            setCaseload({ outcome: result.caseload, name });
          }}
        />
      )}
      {conflict && (
        <div class="notice warning conflict" role="alert">
          <p>
            <strong>{t('case.conflict')}</strong>
          </p>
          <p>{t('case.conflictDetail')}</p>
          <button type="button" id="reload-case" class="button primary" onClick={reload} aria-disabled={busy}>
            {t('case.reload')}
          </button>
        </div>
      )}
      {failure ? (
        <div class="notice error" role="alert">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      {readOnly && <p class="notice info" id="read-only-note">{t('case.readOnly')}</p>}
      {/* Who has access, and consents, are for the assigned worker and the team supervisor. */}
      {access.may_share && <AccessPanel config={config} caseType={caseType} item={item} me={me} />}
      {access.may_share && <ConsentPanel config={config} caseType={caseType} item={item} />}
      {/* The case's documents: each person sees those their access allows, and how many others exist. */}
      <AttachmentsPanel key={item.id} config={config} item={item} />
      {/* Visits, calls and meetings: each person sees those they may, and how many others exist. */}
      <NotesPanel item={item} />
      {/* The care plan, which the case needs approved to move on to implementation. */}
      <CarePlanPanel config={config} item={item} onChanged={() => void refresh()} />
      {/* What an inter-agency panel decided about the case's moves, and recording a decision. */}
      <PanelDecisionsPanel config={config} item={item} request={panelRequest} />
      {/* The case's moves through its workflow: for whoever reaches the case. */}
      <StageHistory config={config} item={item} />
      {/* Reviews of the case's documentation, the mark for discussion and supervision notes: for
          the case's worker and its team supervisor. */}
      {(access.relationship === 'assigned' || access.relationship === 'supervisor') && <QualityReviewPanel item={item} />}
      {/* Who read, changed or was refused the case: for those responsible for it. */}
      {(access.relationship === 'assigned' || access.relationship === 'supervisor') && <AccessLog caseType={caseType} item={item} />}
      <CaseForm
        config={config}
        caseType={caseType}
        stage={stage}
        drafts={drafts}
        onChange={onChange}
        errors={errors}
        disabled={readOnly}
        otherStageValues={item.fields ?? {}}
        withheld={withheld}
        onSubmit={save}
      >
        {!readOnly && (
          <button type="submit" class="button primary" aria-disabled={busy} aria-busy={busy}>
            {busy ? t('case.saving') : t('case.save')}
          </button>
        )}
      </CaseForm>
    </>
  );
}
