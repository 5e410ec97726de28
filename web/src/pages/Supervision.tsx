// The Supervision page (roles with `hold_cases`). For a supervisor (`view_team_cases`): a review
// sample of their teams' cases, drawn by criterion (any open case, newly closed, high intensity,
// open for long) with a number of cases per worker, grouped by worker, each linking to the case
// (which then opens its quality review with the sample's criterion); the cases they marked for
// discussion; the supervision notes they wrote; both narrowed to one worker if chosen. For a
// worker: the cases their supervisor marked for discussion and the notes written for them. The
// sample's criterion and size and the worker chosen live in the address
// (`#/supervision?criterion=&per_worker=&worker=`). The server picks the sample, the same all day,
// and records each drawing and each reading. Supervision notes are between a supervisor and a
// worker: never part of a case's record.

import { useEffect, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  type CaseSummary,
  type Config,
  type DiscussionMark,
  type ReviewSample,
  type SampleCriterion,
  type SupervisionNote,
  type User,
  type UserRef,
} from '../api';
import { CaseNumberCell, CaseTable } from '../caseTable';
import { ErrorNotice, Loading, PageTitle, RefreshButton } from '../components';
import { focusFirstInvalid, HintAndError, SelectField, type FieldErrors } from '../dialog';
import { parseNumber } from '../form/model';
import { formatDateTime, formatNumber, isolate, t } from '../i18n';
import { useLoad } from '../load';
import { reviewsTeamCases } from '../roles';
import { href, navigate } from '../router';
import { rememberReviewSample } from '../state';
import { criterionName, isSampleCriterion, SAMPLE_CRITERIA } from '../supervision';

/** Cases per worker when the address does not say, as the server's default. */
const DEFAULT_PER_WORKER = 2;
const MAX_PER_WORKER = 10;

/** What the address asks for: a sample (criterion and size, when drawn) and one worker. */
interface Wanted {
  criterion: SampleCriterion | null;
  perWorker: number;
  worker: string;
}

function readWanted(params: URLSearchParams): Wanted {
  const criterion = params.get('criterion');
  const perWorker = Number(params.get('per_worker'));
  return {
    criterion: isSampleCriterion(criterion) ? criterion : null,
    perWorker: Number.isInteger(perWorker) && perWorker >= 1 && perWorker <= MAX_PER_WORKER ? perWorker : DEFAULT_PER_WORKER,
    worker: params.get('worker') ?? '',
  };
}

function toParams(wanted: Wanted): URLSearchParams {
  const params = new URLSearchParams();
  if (wanted.criterion) {
    params.set('criterion', wanted.criterion);
    params.set('per_worker', String(wanted.perWorker));
  }
  if (wanted.worker) params.set('worker', wanted.worker);
  return params;
}

/** A person's name, or their username, for one the server could not name. */
function personName(person: UserRef): string {
  return person.display_name || person.username;
}

export function SupervisionPage({ config, me, params }: { config: Config; me: User; params: URLSearchParams }) {
  const supervises = reviewsTeamCases(me);
  const wanted = readWanted(params);
  const key = toParams(wanted).toString();
  // The workers met so far (in the records and the sample), for the worker filter.
  const [workers, setWorkers] = useState<Record<string, string>>({});
  const meet = (people: UserRef[]) =>
    setWorkers((known) => {
      const fresh = people.filter((p) => p.id !== me.id && known[p.id] !== personName(p));
      return fresh.length ? { ...known, ...Object.fromEntries(fresh.map((p) => [p.id, personName(p)])) } : known;
    });

  const go = (change: Partial<Wanted>) => navigate({ name: 'supervision', params: toParams({ ...wanted, ...change }) });

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('supervision.title')} />
      </div>
      <p class="muted" id="supervision-intro">
        {supervises ? t('supervision.introSupervisor') : t('supervision.introWorker')}
      </p>
      <p class="notice info" id="supervision-private">
        {t('supervision.private')}
      </p>
      {supervises && <SampleSection config={config} wanted={wanted} wantedKey={key} onDraw={go} onWorkers={meet} />}
      <Records me={me} supervises={supervises} wanted={wanted} workers={workers} onWorker={(worker) => go({ worker })} onWorkers={meet} />
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// The review sample (supervisors)

/** A 400 naming a parameter (`criterion: expected ...`, `per_worker: ...`), placed on its input
 * with the server's words. */
function badParameter(caught: unknown): FieldErrors | null {
  if (!(caught instanceof ApiError) || caught.status !== 400 || !caught.detail) return null;
  const match = /^(?:query:\s*)?([a-z_]+):\s*(.*)$/s.exec(caught.detail);
  const input = match?.[1] === 'criterion' ? 'sample-criterion' : match?.[1] === 'per_worker' ? 'sample-per-worker' : null;
  return input ? { [input]: match?.[2] || caught.detail } : null;
}

function SampleSection({
  config,
  wanted,
  wantedKey,
  onDraw,
  onWorkers,
}: {
  config: Config;
  wanted: Wanted;
  wantedKey: string;
  onDraw: (change: Partial<Wanted>) => void;
  onWorkers: (people: UserRef[]) => void;
}) {
  const [criterion, setCriterion] = useState<SampleCriterion>(wanted.criterion ?? 'random');
  const [perWorker, setPerWorker] = useState(String(wanted.perWorker));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sample, setSample] = useState<ReviewSample | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const sampleKey = wanted.criterion ? `${wanted.criterion}:${wanted.perWorker}` : '';

  useEffect(() => {
    setCriterion(wanted.criterion ?? 'random');
    setPerWorker(String(wanted.perWorker));
  }, [wantedKey]);

  useEffect(() => {
    if (!wanted.criterion) {
      setSample(null);
      return;
    }
    let live = true;
    setLoading(true);
    setError(null);
    api
      .reviewSample({ criterion: wanted.criterion, per_worker: wanted.perWorker })
      .then((answer) => {
        if (!live) return;
        setSample(answer);
        setErrors({});
        onWorkers(answer.items.map((c) => c.assigned_to));
      })
      .catch((caught) => {
        if (!live) return;
        setSample(null);
        const placed = badParameter(caught);
        if (placed) {
          setErrors(placed);
          focusFirstInvalid('sample-form');
        } else setError(caught);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [sampleKey, attempt]);

  const draw = () => {
    // Typed in any digits (Arabic-Indic too).
    const size = parseNumber(perWorker, false);
    if (size === null || !Number.isInteger(size) || size < 1 || size > MAX_PER_WORKER) {
      setErrors({ 'sample-per-worker': t('sample.perWorkerRange', { max: formatNumber(MAX_PER_WORKER) }) });
      focusFirstInvalid('sample-form');
      return;
    }
    setErrors({});
    // The same sample again: ask afresh (cases may have changed since).
    if (criterion === wanted.criterion && size === wanted.perWorker) setAttempt((n) => n + 1);
    else onDraw({ criterion, perWorker: size });
  };

  // The sample's cases by worker, workers in the order the server gives them.
  const groups: Array<{ worker: UserRef; cases: CaseSummary[] }> = [];
  for (const c of sample?.items ?? []) {
    const group = groups.find((g) => g.worker.id === c.assigned_to.id);
    if (group) group.cases.push(c);
    else groups.push({ worker: c.assigned_to, cases: [c] });
  }
  const drawn = sample && isSampleCriterion(sample.criterion) ? sample.criterion : wanted.criterion;
  const count = sample?.items.length ?? 0;
  const perWorkerError = errors['sample-per-worker'];

  return (
    <section class="card supervision-section" id="review-sample" aria-labelledby="review-sample-title">
      <h2 id="review-sample-title">{t('sample.title')}</h2>
      <p class="hint">{t('sample.intro')}</p>
      <form
        class="sample-form"
        id="sample-form"
        noValidate
        aria-labelledby="review-sample-title"
        onSubmit={(e) => {
          e.preventDefault();
          draw();
        }}
      >
        <SelectField
          id="sample-criterion"
          label={t('sample.criterion')}
          hint={t(`sample.criterionHint.${criterion}`)}
          value={criterion}
          onChange={(value) => {
            if (isSampleCriterion(value)) setCriterion(value);
            setErrors({});
          }}
          error={errors['sample-criterion']}
        >
          {SAMPLE_CRITERIA.map((c) => (
            <option key={c} value={c}>
              {criterionName(c)}
            </option>
          ))}
        </SelectField>
        <div class={`field sample-size${perWorkerError ? ' invalid' : ''}`}>
          <label for="sample-per-worker">{t('sample.perWorker')}</label>
          <HintAndError id="sample-per-worker" hint={t('sample.perWorkerHint', { max: formatNumber(MAX_PER_WORKER) })} error={perWorkerError} />
          <input
            type="text"
            id="sample-per-worker"
            class="narrow"
            inputMode="numeric"
            dir="ltr"
            autoComplete="off"
            value={perWorker}
            aria-invalid={perWorkerError ? 'true' : undefined}
            aria-describedby={`sample-per-worker--help${perWorkerError ? ' sample-per-worker--error' : ''}`}
            onInput={(e) => {
              setPerWorker((e.currentTarget as HTMLInputElement).value);
              setErrors({});
            }}
          />
        </div>
        <div class="sample-actions">
          <button type="submit" class="button primary" id="sample-draw" aria-busy={loading} aria-disabled={loading}>
            {t('sample.draw')}
          </button>
        </div>
      </form>
      {error ? (
        <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
      ) : loading && !sample ? (
        <Loading />
      ) : sample && drawn ? (
        <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading} id="sample-results">
          <p class="muted count" role="status" id="sample-count">
            {count === 1
              ? t('sample.countOne', { criterion: criterionName(drawn) })
              : t('sample.count', { n: formatNumber(count), criterion: criterionName(drawn) })}{' '}
            {t('sample.openHint')}
          </p>
          {groups.length === 0 ? (
            <p class="empty" id="sample-empty">
              {t('sample.empty')}
            </p>
          ) : (
            groups.map((group) => (
              <section class="sample-group" key={group.worker.id} aria-labelledby={`sample-worker-${group.worker.id}`}>
                <h3 id={`sample-worker-${group.worker.id}`}>
                  <bdi>{personName(group.worker)}</bdi>{' '}
                  <span class="muted sample-worker-count">
                    {group.cases.length === 1 ? t('sample.casesOne') : t('sample.cases', { n: formatNumber(group.cases.length) })}
                  </span>
                </h3>
                <CaseTable
                  config={config}
                  cases={group.cases}
                  columns={['type', 'stage', 'intensity', 'updated']}
                  class="cases sample-table"
                  caption={t('sample.caption', { name: isolate(personName(group.worker)) })}
                  onOpen={(c) => rememberReviewSample(c.id, drawn)}
                />
              </section>
            ))
          )}
        </div>
      ) : (
        <p class="muted" id="sample-none">
          {t('sample.notDrawn')}
        </p>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Marks for discussion and supervision notes

function Records({
  me,
  supervises,
  wanted,
  workers,
  onWorker,
  onWorkers,
}: {
  me: User;
  supervises: boolean;
  wanted: Wanted;
  workers: Record<string, string>;
  onWorker: (worker: string) => void;
  onWorkers: (people: UserRef[]) => void;
}) {
  const filter = supervises ? wanted.worker : '';
  const loaded = useLoad(() => api.supervision(filter ? { worker: filter } : {}), [filter], {
    onLoaded: (answer) => onWorkers([...answer.marked.map((m) => m.worker), ...answer.notes.map((n) => n.worker)]),
  });
  const { data: records, error, loading } = loaded;
  const [worker, setWorker] = useState(wanted.worker);

  useEffect(() => setWorker(wanted.worker), [wanted.worker]);

  if (error) return <ErrorNotice error={error} onRetry={loaded.reload} />;
  if (!records) return <Loading />;

  // As a supervisor: the marks and notes with one's workers; as a worker: those about oneself.
  const marksMine = records.marked.filter((m) => m.worker.id !== me.id);
  const marksForMe = records.marked.filter((m) => m.worker.id === me.id);
  const notesMine = records.notes.filter((n) => n.supervisor.id === me.id);
  const notesForMe = records.notes.filter((n) => n.worker.id === me.id);
  const choices = Object.entries(workers).sort((a, b) => a[1].localeCompare(b[1]));
  if (filter && !workers[filter]) choices.push([filter, filter]);
  const showOwn = !supervises || (!filter && (marksForMe.length > 0 || notesForMe.length > 0));

  return (
    <div class={`results supervision-records${loading ? ' stale' : ''}`} aria-busy={loading}>
      {supervises && (
        <form
          class="card filters supervision-filter"
          id="supervision-filter"
          role="search"
          aria-label={t('supervision.filter')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            onWorker(worker);
          }}
        >
          <div class="field">
            <label for="supervision-worker">{t('supervision.worker')}</label>
            <select id="supervision-worker" value={worker} onChange={(e) => setWorker((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('supervision.allWorkers')}</option>
              {choices.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div class="sample-actions">
            <button type="submit" class="button secondary" id="supervision-worker-show">
              {t('supervision.show')}
            </button>
          </div>
        </form>
      )}
      {supervises && (
        <>
          <Marks
            id="marked-mine"
            title={t('supervision.markedMine')}
            empty={filter ? t('supervision.markedMineNoneWorker') : t('supervision.markedMineNone')}
            marks={marksMine}
            withWorker
          />
          <Notes
            id="notes-mine"
            title={t('supervision.notesMine')}
            empty={filter ? t('supervision.notesMineNoneWorker') : t('supervision.notesMineNone')}
            notes={notesMine}
            who={(n) => t('supervision.noteFor', { name: isolate(personName(n.worker)) })}
          />
        </>
      )}
      {showOwn && (
        <>
          <Marks
            id="marked-for-you"
            title={t('supervision.markedForYou')}
            empty={t('supervision.markedForYouNone')}
            marks={marksForMe}
            withWorker={false}
          />
          <Notes
            id="notes-for-you"
            title={t('supervision.notesForYou')}
            empty={t('supervision.notesForYouNone')}
            notes={notesForMe}
            who={(n) => t('supervision.noteFrom', { name: isolate(personName(n.supervisor)) })}
          />
        </>
      )}
      <p class="button-row">
        <RefreshButton id="supervision-refresh" busy={loading} onRefresh={loaded.reload}>
          {t('supervision.refresh')}
        </RefreshButton>
      </p>
    </div>
  );
}

function Marks({
  id,
  title,
  empty,
  marks,
  withWorker,
}: {
  id: string;
  title: string;
  empty: string;
  marks: DiscussionMark[];
  withWorker: boolean;
}) {
  return (
    <section class="card supervision-section" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {marks.length === 0 ? (
        <p class="empty" id={`${id}-empty`}>
          {empty}
        </p>
      ) : (
        <table class="cases" id={`${id}-table`} aria-labelledby={`${id}-title`}>
          <thead>
            <tr>
              <th scope="col">{t('list.col.number')}</th>
              {withWorker && <th scope="col">{t('list.col.assigned')}</th>}
              <th scope="col">{t('supervision.col.markedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {marks.map((m) => (
              <tr key={m.case_id}>
                <CaseNumberCell id={m.case_id} number={m.case_number} />
                {withWorker && (
                  <td data-label={t('list.col.assigned')}>
                    <bdi>{personName(m.worker)}</bdi>
                  </td>
                )}
                <td data-label={t('supervision.col.markedAt')}>
                  <time dateTime={m.marked_at}>{formatDateTime(m.marked_at)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Notes({
  id,
  title,
  empty,
  notes,
  who,
}: {
  id: string;
  title: string;
  empty: string;
  notes: SupervisionNote[];
  who: (note: SupervisionNote) => string;
}) {
  return (
    <section class="card supervision-section" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {notes.length === 0 ? (
        <p class="empty" id={`${id}-empty`}>
          {empty}
        </p>
      ) : (
        <ol class="note-list" id={`${id}-list`} aria-labelledby={`${id}-title`}>
          {notes.map((note) => (
            <li key={note.id} id={`${id}-${note.id}`} class="note-item supervision-note">
              <p class="note-head">
                <a class="case-link" href={href({ name: 'case', id: note.case_id })} dir="ltr">
                  {note.case_number}
                </a>
                <strong class="supervision-note-who">{who(note)}</strong>
                <span class="muted note-by">
                  <time dateTime={note.written_at}>{formatDateTime(note.written_at)}</time>
                </span>
              </p>
              <p class="note-body" dir="auto">
                {note.body}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
