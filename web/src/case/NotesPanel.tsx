// The case page's "Notes" panel: home and office visits, phone calls, meetings and services
// delivered, oldest first, each with its kind, author and time; how many notes are withheld from
// the person (a confidential note is its assigned worker's alone), and when the next contact is
// planned where a note says; and, for whoever may change the case, a form to write one, with the
// day of the next contact if planned (today to a year ahead: the follow-up is then due that day).
// A disclosure that loads when first opened, like the other panels: reading the notes is
// recorded in the audit trail. Notes are never edited: a correction is another note. Supervision
// notes are never here: they are not part of the case's record.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Case, type NoteKind, type NoteList } from '../api';
import { describeActionError, ErrorNotice, Loading } from '../components';
import { focusFirstInvalid, HintAndError, Required, type FieldErrors } from '../dialog';
import { todayLocal } from '../form/model';
import { formatDate, formatDateTime, formatNumber, hasMessage, isolate, t } from '../i18n';

const KINDS: readonly NoteKind[] = ['home_visit', 'office_visit', 'phone_call', 'meeting', 'service_delivery', 'other'];

/** The longest note the server takes, in characters. */
const MAX_BODY = 10_000;

/** A year from today as YYYY-MM-DD in local time: the latest next contact the server takes. */
function inAYear(): string {
  const today = todayLocal();
  return `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
}

/** A kind of note in words; one this app does not name, as the server sent it. */
function kindName(kind: string): string {
  const key = `note.kind.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

/** The form's controls, by the request member a problem names. */
const CONTROL: Record<string, string> = {
  kind: 'note-kind',
  body: 'note-body',
  confidential: 'note-confidential',
  next_contact_on: 'note-next-contact',
};

export function NotesPanel({ item }: { item: Case }) {
  const [opened, setOpened] = useState(false);
  const [list, setList] = useState<NoteList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [loading, setLoading] = useState(false);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    if (!opened) return;
    let live = true;
    setError(null);
    setLoading(true);
    api
      .notes(item.id)
      .then((answer) => live && setList(answer))
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [opened, attempt, item.id]);

  const items = list?.items ?? [];
  const withheld = list?.withheld ?? 0;

  return (
    <details class="card panel" id="notes-panel" onToggle={(e) => setOpened((e.currentTarget as HTMLDetailsElement).open || opened)}>
      <summary>
        <h2 class="panel-title">{t('notes.title')}</h2>
        <span class="summary-meta">{t('notes.summary')}</span>
      </summary>
      <div class="panel-body">
        <p class="hint" id="notes-intro">
          {t('notes.intro')}
        </p>
        <div role="status" aria-live="polite">
          {notice && <p class="notice success" id="notes-notice">{notice}</p>}
        </div>
        {error ? (
          <ErrorNotice error={error} action onRetry={() => setAttempt((n) => n + 1)} />
        ) : !list ? (
          opened && <Loading />
        ) : (
          <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
            {items.length === 0 ? (
              // With notes withheld, the notice below says that there are some.
              withheld === 0 && (
                <p class="muted" id="notes-empty">
                  {t('notes.none')}
                </p>
              )
            ) : (
              <ol class="note-list" id="note-list" aria-label={t('notes.listLabel', { number: isolate(item.case_number) })}>
                {items.map((note) => (
                  <li key={note.id} id={`note-${note.id}`} class={`note-item${note.confidential ? ' confidential' : ''}`}>
                    <p class="note-head">
                      <strong class="note-kind">{kindName(note.kind)}</strong>
                      {note.confidential && <span class="badge classification-confidential note-confidential">{t('notes.confidential')}</span>}
                      <span class="muted note-by">
                        {t('notes.byAt', { name: isolate(note.written_by.display_name), at: formatDateTime(note.written_at) })}
                      </span>
                    </p>
                    <p class="note-body" dir="auto">
                      {note.body}
                    </p>
                    {note.next_contact_on && (
                      <p class="note-next">
                        {t('notes.nextContactOn')}{' '}
                        <time dateTime={note.next_contact_on}>{formatDate(note.next_contact_on)}</time>
                      </p>
                    )}
                  </li>
                ))}
              </ol>
            )}
            {withheld > 0 && (
              <div class="notice info" id="notes-withheld">
                <p>
                  <strong>{withheld === 1 ? t('notes.withheldOne') : t('notes.withheldMany', { n: formatNumber(withheld) })}</strong>
                </p>
                <p>{t('notes.withheldWhy')}</p>
              </div>
            )}
            <p class="button-row">
              <button
                type="button"
                class="button secondary"
                id="notes-refresh"
                aria-busy={loading}
                aria-disabled={loading}
                onClick={() => !loading && setAttempt((n) => n + 1)}
              >
                {t('notes.refresh')}
              </button>
            </p>
          </div>
        )}
        {item.access.may_update && opened && (
          <NoteForm
            item={item}
            onStart={() => setNotice('')}
            onWritten={() => {
              setNotice(t('notes.added'));
              setAttempt((n) => n + 1);
            }}
          />
        )}
      </div>
    </details>
  );
}

function NoteForm({ item, onStart, onWritten }: { item: Case; onStart: () => void; onWritten: () => void }) {
  // Only the case's assigned worker writes confidential notes (the server refuses anyone else).
  const mayConfide = item.access.relationship === 'assigned';
  const [kind, setKind] = useState('');
  const [body, setBody] = useState('');
  const [confidential, setConfidential] = useState(false);
  const [nextContact, setNextContact] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const local: FieldErrors = {};
    if (!kind) local['note-kind'] = t('notes.kindRequired');
    if (!body.trim()) local['note-body'] = t('notes.bodyRequired');
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length) {
      focusFirstInvalid('note-form');
      return;
    }
    onStart();
    setBusy(true);
    try {
      await api.writeNote(item.id, {
        kind: kind as NoteKind,
        body,
        confidential: mayConfide && confidential,
        ...(nextContact ? { next_contact_on: nextContact } : {}),
      });
      setKind('');
      setBody('');
      setConfidential(false);
      setNextContact('');
      onWritten();
    } catch (caught) {
      // 422 on `kind`, `body` or `next_contact_on`, 403 on `confidential`: each at its control, in
      // the server's words.
      const placed: FieldErrors = {};
      if (caught instanceof ApiError && (caught.status === 422 || caught.status === 403)) {
        for (const problem of caught.errors) {
          const id = CONTROL[problem.field];
          if (id) placed[id] = placed[id] ? `${placed[id]}; ${problem.message}` : problem.message;
        }
      }
      if (Object.keys(placed).length) {
        setErrors(placed);
        focusFirstInvalid('note-form');
      } else {
        setFailure(caught);
      }
    } finally {
      setBusy(false);
    }
  };

  const clear = (id: string) => setErrors(({ [id]: _, ...rest }) => rest);
  const kindError = errors['note-kind'];
  const bodyError = errors['note-body'];
  const confidentialError = errors['note-confidential'];
  const nextError = errors['note-next-contact'];

  return (
    <form
      id="note-form"
      class="note-form"
      noValidate
      aria-labelledby="note-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="note-form-title">{t('notes.formTitle')}</h3>
      {failure ? (
        <div class="notice error" role="alert" id="note-error">
          <p>{describeActionError(failure)}</p>
        </div>
      ) : null}
      <div class={`field${kindError ? ' invalid' : ''}`}>
        <label for="note-kind">
          {t('notes.kind')}
          <Required />
        </label>
        {kindError && <HintAndError id="note-kind" error={kindError} />}
        <select
          id="note-kind"
          required
          value={kind}
          aria-invalid={kindError ? 'true' : undefined}
          aria-describedby={kindError ? 'note-kind--error' : undefined}
          onChange={(e) => {
            setKind((e.currentTarget as HTMLSelectElement).value);
            clear('note-kind');
          }}
        >
          <option value="">{t('common.choose')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {kindName(k)}
            </option>
          ))}
        </select>
      </div>
      <div class={`field${bodyError ? ' invalid' : ''}`}>
        <label for="note-body">
          {t('notes.body')}
          <Required />
        </label>
        <HintAndError id="note-body" hint={t('notes.bodyHint', { max: formatNumber(MAX_BODY) })} error={bodyError} />
        <textarea
          id="note-body"
          rows={5}
          dir="auto"
          required
          maxLength={MAX_BODY}
          value={body}
          aria-invalid={bodyError ? 'true' : undefined}
          aria-describedby={`note-body--help${bodyError ? ' note-body--error' : ''}`}
          onInput={(e) => {
            setBody((e.currentTarget as HTMLTextAreaElement).value);
            clear('note-body');
          }}
        />
      </div>
      <div class={`field${nextError ? ' invalid' : ''}`}>
        <label for="note-next-contact">{t('notes.nextContact')}</label>
        <HintAndError id="note-next-contact" hint={t('notes.nextContactHint')} error={nextError} />
        <input
          type="date"
          id="note-next-contact"
          class="narrow"
          min={todayLocal()}
          max={inAYear()}
          value={nextContact}
          aria-invalid={nextError ? 'true' : undefined}
          aria-describedby={`note-next-contact--help${nextError ? ' note-next-contact--error' : ''}`}
          onInput={(e) => {
            setNextContact((e.currentTarget as HTMLInputElement).value);
            clear('note-next-contact');
          }}
        />
      </div>
      {mayConfide && (
        <div class={`field${confidentialError ? ' invalid' : ''}`}>
          <HintAndError id="note-confidential" hint={t('notes.confidentialHint')} error={confidentialError} />
          <div class="choice">
            <input
              type="checkbox"
              id="note-confidential"
              checked={confidential}
              aria-invalid={confidentialError ? 'true' : undefined}
              aria-describedby={`note-confidential--help${confidentialError ? ' note-confidential--error' : ''}`}
              onChange={(e) => {
                setConfidential((e.currentTarget as HTMLInputElement).checked);
                clear('note-confidential');
              }}
            />
            <label for="note-confidential">{t('notes.confidentialLabel')}</label>
          </div>
        </div>
      )}
      <p class="button-row">
        <button type="submit" class="button primary" id="note-submit" aria-disabled={busy} aria-busy={busy}>
          {busy ? t('notes.submitting') : t('notes.submit')}
        </button>
      </p>
    </form>
  );
}
