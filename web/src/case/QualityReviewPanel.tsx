// The case page's "Quality review" panel, for the case's worker and its team supervisor (the
// server refuses anyone else, and the panel then shows nothing): the reviews of how the case is
// documented, oldest first, each with its reviewer, date, how the case was picked, the rating and
// the findings. For the team supervisor (`may_supervise`), also: a form to record a review (the
// criterion "chosen", or the sample's when the case was opened from a review sample), the case's
// mark for discussion with its worker, set or taken away, and supervision notes. Supervision notes
// are between the supervisor and the worker only: never part of the case's record (its Notes
// panel), and each is labelled so. A disclosure that loads when first opened, like the other panels
// (reading the reviews is recorded), or at once when the case was opened from a review sample.

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type QualityRating, type ReviewCriterion } from '../api';
import { ErrorNotice, Loading, RefreshButton, SuccessNotice, useNotice } from '../components';
import { HintAndError, placeErrors, Required, SelectField, TextField, type FieldErrors } from '../dialog';
import { formatDateTime, formatNumber, isolate, t } from '../i18n';
import { useLoad } from '../load';
import { href } from '../router';
import { takeReviewSample } from '../state';
import { SubmissionForm, useSubmission } from '../submission';
import { criterionName, RATINGS, ratingName, REVIEW_CRITERIA } from '../supervision';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

/** The longest findings, and the longest supervision note, the server takes, in characters. */
const MAX_TEXT = 5_000;

export function QualityReviewPanel({ item }: { item: Case }) {
  // Opened from a review sample: the review is what the supervisor came for.
  const [sampled] = useState(() => takeReviewSample(item.id));
  const [refused, setRefused] = useState(false);
  const reviews = useDisclosure(() => api.qualityReviews(item.id), [item.id], {
    startOpen: sampled !== null,
    onError: (e) => {
      // Neither the case's worker nor its team supervisor: the reviews are not theirs to read.
      if (!(e instanceof ApiError && e.status === 403)) return false;
      setRefused(true);
      return true;
    },
  });
  /** After a review is recorded, the keyboard goes to the notice saying so. */
  const notice = useNotice('review-notice');

  if (refused) return null;

  const worker = item.assigned_to?.display_name ?? '';

  return (
    <Disclosure id="quality-review-panel" state={reviews} title={t('review.title')} summary={t('review.summary')}>
      <p class="hint" id="review-intro">
        {t('review.intro')}
      </p>
      <SuccessNotice id="review-notice" text={notice.text} focusable />
      <DisclosureResults state={reviews}>
        {(list) => (
          <>
            {list.items.length === 0 ? (
              <p class="muted" id="review-empty">
                {t('review.none')}
              </p>
            ) : (
              <ol class="note-list" id="review-list" aria-label={t('review.listLabel', { number: isolate(item.case_number) })}>
                {list.items.map((review) => (
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
              <RefreshButton id="review-refresh" busy={reviews.loading} onRefresh={reviews.reload}>
                {t('review.refresh')}
              </RefreshButton>
            </p>
            {list.may_supervise ? (
              <>
                <ReviewForm
                  caseId={item.id}
                  initial={sampled ?? 'chosen'}
                  onStart={notice.clear}
                  onWritten={() => {
                    notice.show(t('review.added'), true);
                    reviews.reload();
                  }}
                />
                <Discussion
                  caseId={item.id}
                  worker={worker}
                  marked={list.marked_for_discussion}
                  onChanged={(marked) => reviews.setData({ ...list, marked_for_discussion: marked })}
                />
                {item.assigned_to && <SupervisionNotes item={item} workerId={item.assigned_to.id} worker={worker} />}
              </>
            ) : (
              <p class="hint" id="review-supervision-link">
                {t('review.workerHint')}{' '}
                <a href={href({ name: 'supervision', params: new URLSearchParams() })}>{t('review.workerLink')}</a>
              </p>
            )}
          </>
        )}
      </DisclosureResults>
    </Disclosure>
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
  const form = useSubmission('review-form', (caught) => placeErrors(caught, REVIEW_CONTROL));

  const submit = async () => {
    const local: FieldErrors = {};
    if (!rating) local['review-rating'] = t('review.ratingRequired');
    if (!findings.trim()) local['review-findings'] = t('review.findingsRequired');
    if (!form.ready(local) || !rating) return;
    onStart();
    await form.send(async () => {
      await api.writeQualityReview(caseId, { criterion, rating, findings: findings.trim() });
      setRating('');
      setFindings('');
      setCriterion('chosen');
      onWritten();
    });
  };

  const { errors, clear } = form;
  const ratingError = errors['review-rating'];

  return (
    <SubmissionForm
      id="review-form"
      class="note-form"
      title={t('review.formTitle')}
      submission={form}
      errorId="review-error"
      submitId="review-submit"
      submitLabel={t('review.submit')}
      busyLabel={t('review.submitting')}
      onSubmit={submit}
    >
      <SelectField
        id="review-criterion"
        label={t('review.criterion')}
        hint={t('review.criterionHint')}
        value={criterion}
        onChange={(value) => {
          setCriterion(value as ReviewCriterion);
          clear('review-criterion');
        }}
        error={errors['review-criterion']}
      >
        {REVIEW_CRITERIA.map((c) => (
          <option key={c} value={c}>
            {criterionName(c)}
          </option>
        ))}
      </SelectField>
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
      <TextField
        id="review-findings"
        label={t('review.findings')}
        hint={t('review.findingsHint', { max: formatNumber(MAX_TEXT) })}
        multiline
        rows={5}
        maxLength={MAX_TEXT}
        required
        value={findings}
        onInput={(value) => {
          setFindings(value);
          clear('review-findings');
        }}
        error={errors['review-findings']}
      />
    </SubmissionForm>
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
      <SuccessNotice id="discussion-notice" text={notice} />
      {failure ? <ErrorNotice id="discussion-error" error={failure} action /> : null}
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
  const notes = useLoad(
    () => api.supervision({ worker: workerId }).then((answer) => answer.notes.filter((n) => n.case_id === item.id)),
    [item.id, workerId],
  );
  const [body, setBody] = useState('');
  const [notice, setNotice] = useState('');
  const form = useSubmission('supervision-note-form', (caught) => placeErrors(caught, { body: 'supervision-note-body' }));

  const submit = async () => {
    if (!form.ready(body.trim() ? {} : { 'supervision-note-body': t('supervisionNote.bodyRequired') })) return;
    setNotice('');
    await form.send(async () => {
      await api.writeSupervisionNote(item.id, { body: body.trim() });
      setBody('');
      setNotice(t('supervisionNote.added', { name: isolate(worker) }));
      notes.reload();
    });
  };

  const labelText = t('supervisionNote.label', { name: isolate(worker) });

  return (
    <section class="review-section supervision-notes" id="case-supervision-notes" aria-labelledby="case-supervision-title">
      <h3 id="case-supervision-title">{t('supervisionNote.title')}</h3>
      <p class="notice warning" id="case-supervision-private">
        {t('supervisionNote.private', { name: isolate(worker) })}
      </p>
      <SuccessNotice id="supervision-note-notice" text={notice} />
      {notes.error ? (
        <ErrorNotice error={notes.error} action onRetry={notes.reload} />
      ) : !notes.data ? (
        <Loading />
      ) : notes.data.length === 0 ? (
        <p class="muted" id="case-supervision-empty">
          {t('supervisionNote.none')}
        </p>
      ) : (
        <ol class="note-list" id="case-supervision-list" aria-label={t('supervisionNote.listLabel', { number: isolate(item.case_number) })}>
          {notes.data.map((note) => (
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
      <SubmissionForm
        id="supervision-note-form"
        class="note-form"
        heading="h4"
        title={t('supervisionNote.formTitle')}
        submission={form}
        errorId="supervision-note-error"
        submitId="supervision-note-submit"
        submitLabel={t('supervisionNote.submit')}
        busyLabel={t('supervisionNote.submitting')}
        onSubmit={submit}
      >
        <TextField
          id="supervision-note-body"
          label={labelText}
          hint={t('supervisionNote.bodyHint', { max: formatNumber(MAX_TEXT) })}
          multiline
          rows={4}
          maxLength={MAX_TEXT}
          required
          value={body}
          onInput={(value) => {
            setBody(value);
            form.clear('supervision-note-body');
          }}
          error={form.errors['supervision-note-body']}
        />
      </SubmissionForm>
    </section>
  );
}
