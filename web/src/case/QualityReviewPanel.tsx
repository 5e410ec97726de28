// The case page's "Quality review" panel, for the case's worker and its team supervisor (the
// server refuses anyone else, and the panel then shows nothing): the reviews of how the case is
// documented, oldest first, each with its reviewer, date, how the case was picked, the rating and
// the findings. For the team supervisor (`may_supervise`), also: a form to record a review (the
// criterion "chosen", or the sample's when the case was opened from a review sample), the case's
// mark for discussion with its worker, set or taken away, and supervision notes. Supervision notes
// are between the supervisor and the worker only: never part of the case's record (its Notes
// panel), and each is labelled so. A disclosure that loads when first opened, like the other panels
// (reading the reviews is recorded), or at once when the case was opened from a review sample.

import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  type Case,
  type QualityRating,
  type QualityReviewList,
  type ReviewCriterion,
  type SupervisionNote,
} from '../api';
import { describeActionError, ErrorNotice, Loading } from '../components';
import { focusFirstInvalid, HintAndError, placeErrors, Required, type FieldErrors } from '../dialog';
import { formatDateTime, formatNumber, isolate, t } from '../i18n';
import { href } from '../router';
import { takeReviewSample } from '../state';
import { criterionName, RATINGS, ratingName, REVIEW_CRITERIA } from '../supervision';

/** The longest findings, and the longest supervision note, the server takes, in characters. */
const MAX_TEXT = 5_000;

export function QualityReviewPanel({ item }: { item: Case }) {
  // Opened from a review sample: the review is what the supervisor came for.
  const [sampled] = useState(() => takeReviewSample(item.id));
  const [opened, setOpened] = useState(sampled !== null);
  const [list, setList] = useState<QualityReviewList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refused, setRefused] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [loading, setLoading] = useState(false);
  const [notice, setNotice] = useState('');
  /** After a review is recorded, the keyboard goes to the notice saying so. */
  const focusNotice = useRef(false);
  useEffect(() => {
    if (!focusNotice.current || !notice) return;
    focusNotice.current = false;
    document.getElementById('review-notice')?.focus();
  }, [notice]);

  useEffect(() => {
    if (!opened) return;
    let live = true;
    setError(null);
    setLoading(true);
    api
      .qualityReviews(item.id)
      .then((answer) => live && setList(answer))
      .catch((e) => {
        if (!live) return;
        // Neither the case's worker nor its team supervisor: the reviews are not theirs to read.
        if (e instanceof ApiError && e.status === 403) setRefused(true);
        else setError(e);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [opened, attempt, item.id]);

  if (refused) return null;

  const items = list?.items ?? [];
  const worker = item.assigned_to?.display_name ?? '';

  return (
    <details
      class="card panel"
      id="quality-review-panel"
      open={sampled !== null}
      onToggle={(e) => setOpened((e.currentTarget as HTMLDetailsElement).open || opened)}
    >
      <summary>
        <h2 class="panel-title">{t('review.title')}</h2>
        <span class="summary-meta">{t('review.summary')}</span>
      </summary>
      <div class="panel-body">
        <p class="hint" id="review-intro">
          {t('review.intro')}
        </p>
        <div role="status" aria-live="polite">
          {notice && (
            <p class="notice success" id="review-notice" tabIndex={-1}>
              {notice}
            </p>
          )}
        </div>
        {error ? (
          <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
        ) : !list ? (
          opened && <Loading />
        ) : (
          <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
            {items.length === 0 ? (
              <p class="muted" id="review-empty">
                {t('review.none')}
              </p>
            ) : (
              <ol class="note-list" id="review-list" aria-label={t('review.listLabel', { number: isolate(item.case_number) })}>
                {items.map((review) => (
                  <li key={review.id} id={`review-${review.id}`} class={`note-item review-item rating-${review.rating}`}>
                    <p class="note-head">
                      <strong class={`badge review-rating rating-${review.rating}`}>{ratingName(review.rating)}</strong>
                      <span class="review-criterion">{t('review.pickedAs', { criterion: criterionName(review.criterion) })}</span>
                      <span class="muted note-by">
                        {t('review.byAt', { name: isolate(review.reviewer.display_name), at: formatDateTime(review.reviewed_at) })}
                      </span>
                    </p>
                    <p class="note-body" dir="auto">
                      {review.findings}
                    </p>
                  </li>
                ))}
              </ol>
            )}
            <p class="button-row">
              <button
                type="button"
                class="button secondary"
                id="review-refresh"
                aria-busy={loading}
                aria-disabled={loading}
                onClick={() => !loading && setAttempt((n) => n + 1)}
              >
                {t('review.refresh')}
              </button>
            </p>
            {list.may_supervise ? (
              <>
                <ReviewForm
                  caseId={item.id}
                  initial={sampled ?? 'chosen'}
                  onStart={() => setNotice('')}
                  onWritten={() => {
                    focusNotice.current = true;
                    setNotice(t('review.added'));
                    setAttempt((n) => n + 1);
                  }}
                />
                <Discussion
                  caseId={item.id}
                  worker={worker}
                  marked={list.marked_for_discussion}
                  onChanged={(marked) => setList({ ...list, marked_for_discussion: marked })}
                />
                {item.assigned_to && <SupervisionNotes item={item} workerId={item.assigned_to.id} worker={worker} />}
              </>
            ) : (
              <p class="hint" id="review-supervision-link">
                {t('review.workerHint')}{' '}
                <a href={href({ name: 'supervision', params: new URLSearchParams() })}>{t('review.workerLink')}</a>
              </p>
            )}
          </div>
        )}
      </div>
    </details>
  );
}

/** The form's controls, by the request member a problem names. */
const REVIEW_CONTROL: Record<string, string> = {
  criterion: 'review-criterion',
  rating: 'review-rating',
  findings: 'review-findings',
};

function ReviewForm({
  caseId,
  initial,
  onStart,
  onWritten,
}: {
  caseId: string;
  initial: ReviewCriterion;
  onStart: () => void;
  onWritten: () => void;
}) {
  const [criterion, setCriterion] = useState<ReviewCriterion>(initial);
  const [rating, setRating] = useState<QualityRating | ''>('');
  const [findings, setFindings] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const local: FieldErrors = {};
    if (!rating) local['review-rating'] = t('review.ratingRequired');
    if (!findings.trim()) local['review-findings'] = t('review.findingsRequired');
    setErrors(local);
    setFailure(null);
    if (!rating || Object.keys(local).length) {
      focusFirstInvalid('review-form');
      return;
    }
    onStart();
    setBusy(true);
    try {
      await api.writeQualityReview(caseId, { criterion, rating, findings: findings.trim() });
      setRating('');
      setFindings('');
      setCriterion('chosen');
      onWritten();
    } catch (caught) {
      const placed = placeErrors(caught, REVIEW_CONTROL);
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('review-form');
      } else {
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const clear = (id: string) => setErrors(({ [id]: _, ...rest }) => rest);
  const criterionError = errors['review-criterion'];
  const ratingError = errors['review-rating'];
  const findingsError = errors['review-findings'];

  return (
    <form
      id="review-form"
      class="note-form"
      noValidate
      aria-labelledby="review-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="review-form-title">{t('review.formTitle')}</h3>
      {failure ? (
        <div class="notice error" role="alert" id="review-error">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      <div class={`field${criterionError ? ' invalid' : ''}`}>
        <label for="review-criterion">{t('review.criterion')}</label>
        <HintAndError id="review-criterion" hint={t('review.criterionHint')} error={criterionError} />
        <select
          id="review-criterion"
          value={criterion}
          aria-invalid={criterionError ? 'true' : undefined}
          aria-describedby={`review-criterion--help${criterionError ? ' review-criterion--error' : ''}`}
          onChange={(e) => {
            setCriterion((e.currentTarget as HTMLSelectElement).value as ReviewCriterion);
            clear('review-criterion');
          }}
        >
          {REVIEW_CRITERIA.map((c) => (
            <option key={c} value={c}>
              {criterionName(c)}
            </option>
          ))}
        </select>
      </div>
      <fieldset
        class={`field group${ratingError ? ' invalid' : ''}`}
        id="review-rating"
        aria-describedby={ratingError ? 'review-rating--error' : undefined}
      >
        <legend>
          {t('review.rating')}
          <Required />
        </legend>
        <HintAndError id="review-rating" error={ratingError} />
        <div class="choices">
          {RATINGS.map((r) => (
            <div class="choice" key={r}>
              <input
                type="radio"
                name="review-rating"
                id={`review-rating-${r}`}
                value={r}
                checked={rating === r}
                aria-invalid={ratingError ? 'true' : undefined}
                onChange={() => {
                  setRating(r);
                  clear('review-rating');
                }}
              />
              <label for={`review-rating-${r}`}>{ratingName(r)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class={`field${findingsError ? ' invalid' : ''}`}>
        <label for="review-findings">
          {t('review.findings')}
          <Required />
        </label>
        <HintAndError id="review-findings" hint={t('review.findingsHint', { max: formatNumber(MAX_TEXT) })} error={findingsError} />
        <textarea
          id="review-findings"
          rows={5}
          dir="auto"
          required
          maxLength={MAX_TEXT}
          value={findings}
          aria-invalid={findingsError ? 'true' : undefined}
          aria-describedby={`review-findings--help${findingsError ? ' review-findings--error' : ''}`}
          onInput={(e) => {
            setFindings((e.currentTarget as HTMLTextAreaElement).value);
            clear('review-findings');
          }}
        />
      </div>
      <p class="button-row">
        <button type="submit" class="button primary" id="review-submit" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('review.submitting') : t('review.submit')}
        </button>
      </p>
    </form>
  );
}

/** The case's mark for discussion at the next supervision session with its worker. */
function Discussion({
  caseId,
  worker,
  marked,
  onChanged,
}: {
  caseId: string;
  worker: string;
  marked: boolean;
  onChanged: (marked: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const toggle = async () => {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    setNotice('');
    try {
      await api.markForDiscussion(caseId, { marked: !marked });
      onChanged(!marked);
      setNotice(marked ? t('discussion.removed') : t('discussion.added', { name: isolate(worker) }));
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="review-section" id="discussion" aria-labelledby="discussion-title">
      <h3 id="discussion-title">{t('discussion.title')}</h3>
      <p id="discussion-state">
        {marked ? t('discussion.marked', { name: isolate(worker) }) : t('discussion.notMarked', { name: isolate(worker) })}
      </p>
      <div role="status" aria-live="polite">
        {notice && (
          <p class="notice success" id="discussion-notice">
            {notice}
          </p>
        )}
      </div>
      {failure ? (
        <div class="notice error" role="alert" id="discussion-error">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      <p class="button-row">
        <button
          type="button"
          class="button secondary"
          id="discussion-toggle"
          aria-describedby="discussion-state"
          aria-busy={busy}
          aria-disabled={busy}
          onClick={() => void toggle()}
        >
          {marked ? t('discussion.unmark') : t('discussion.mark')}
        </button>
      </p>
    </section>
  );
}

/** The supervision notes about this case between its supervisor and its worker (from
 * `GET /api/v1/supervision?worker=`), and a form to write one; never part of the case's record. */
function SupervisionNotes({ item, workerId, worker }: { item: Case; workerId: string; worker: string }) {
  const [notes, setNotes] = useState<SupervisionNote[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    let live = true;
    setError(null);
    api
      .supervision({ worker: workerId })
      .then((answer) => live && setNotes(answer.notes.filter((n) => n.case_id === item.id)))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt, item.id, workerId]);

  const submit = async () => {
    if (busy) return;
    if (!body.trim()) {
      setErrors({ 'supervision-note-body': t('supervisionNote.bodyRequired') });
      focusFirstInvalid('supervision-note-form');
      return;
    }
    setErrors({});
    setFailure(null);
    setNotice('');
    setBusy(true);
    try {
      await api.writeSupervisionNote(item.id, { body: body.trim() });
      setBody('');
      setNotice(t('supervisionNote.added', { name: isolate(worker) }));
      setAttempt((n) => n + 1);
    } catch (caught) {
      const placed = placeErrors(caught, { body: 'supervision-note-body' });
      if (placed) {
        setErrors(placed);
        focusFirstInvalid('supervision-note-form');
      } else {
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const labelText = t('supervisionNote.label', { name: isolate(worker) });
  const bodyError = errors['supervision-note-body'];

  return (
    <section class="review-section supervision-notes" id="case-supervision-notes" aria-labelledby="case-supervision-title">
      <h3 id="case-supervision-title">{t('supervisionNote.title')}</h3>
      <p class="notice warning" id="case-supervision-private">
        {t('supervisionNote.private', { name: isolate(worker) })}
      </p>
      <div role="status" aria-live="polite">
        {notice && (
          <p class="notice success" id="supervision-note-notice">
            {notice}
          </p>
        )}
      </div>
      {error ? (
        <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
      ) : !notes ? (
        <Loading />
      ) : notes.length === 0 ? (
        <p class="muted" id="case-supervision-empty">
          {t('supervisionNote.none')}
        </p>
      ) : (
        <ol class="note-list" id="case-supervision-list" aria-label={t('supervisionNote.listLabel', { number: isolate(item.case_number) })}>
          {notes.map((note) => (
            <li key={note.id} id={`supervision-note-${note.id}`} class="note-item supervision-note">
              <p class="note-head">
                <strong class="supervision-note-label">{labelText}</strong>
                <span class="muted note-by">{t('notes.byAt', { name: isolate(note.supervisor.display_name), at: formatDateTime(note.written_at) })}</span>
              </p>
              <p class="note-body" dir="auto">
                {note.body}
              </p>
            </li>
          ))}
        </ol>
      )}
      <form
        id="supervision-note-form"
        class="note-form"
        noValidate
        aria-labelledby="supervision-note-form-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h4 id="supervision-note-form-title">{t('supervisionNote.formTitle')}</h4>
        {failure ? (
          <div class="notice error" role="alert" id="supervision-note-error">
            <p>{describeActionError(failure)}</p>
          </div>
        ) : null}
        <div class={`field${bodyError ? ' invalid' : ''}`}>
          <label for="supervision-note-body">
            {labelText}
            <Required />
          </label>
          <HintAndError id="supervision-note-body" hint={t('supervisionNote.bodyHint', { max: formatNumber(MAX_TEXT) })} error={bodyError} />
          <textarea
            id="supervision-note-body"
            rows={4}
            dir="auto"
            required
            maxLength={MAX_TEXT}
            value={body}
            aria-invalid={bodyError ? 'true' : undefined}
            aria-describedby={`supervision-note-body--help${bodyError ? ' supervision-note-body--error' : ''}`}
            onInput={(e) => {
              setBody((e.currentTarget as HTMLTextAreaElement).value);
              setErrors({});
            }}
          />
        </div>
        <p class="button-row">
          <button type="submit" class="button primary" id="supervision-note-submit" aria-disabled={busy} aria-busy={busy}>
            {busy ? t('supervisionNote.submitting') : t('supervisionNote.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}
