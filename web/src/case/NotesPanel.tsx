// The case page's "Notes" panel: home and office visits, phone calls, meetings and services
// delivered, oldest first, each with its kind, author and time; how many notes are withheld from
// the person (a confidential note is its assigned worker's alone), and when the next contact is
// planned where a note says; and, for whoever may change the case, a form to write one, with the
// day of the next contact if planned (today to a year ahead: the follow-up is then due that day).
// A disclosure that loads when first opened, like the other panels: reading the notes is
// recorded in the audit trail. Notes are never edited: a correction is another note. Supervision
// notes are never here: they are not part of the case's record.

import { useState } from 'preact/hooks';
import { api, ApiError, type Case, type NoteKind } from '../api';
import { RefreshButton, SuccessNotice } from '../components';
import { HintAndError, problemsAt, SelectField, TextField, type FieldErrors } from '../dialog';
import { todayLocal } from '../form/model';
import { formatDate, formatDateTime, formatNumber, hasMessage, isolate, t } from '../i18n';
import { SubmissionForm, useSubmission } from '../submission';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

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
  const notes = useDisclosure(() => api.notes(item.id), [item.id]);
  const [notice, setNotice] = useState('');

  return (
    <Disclosure id="notes-panel" state={notes} title={t('notes.title')} summary={t('notes.summary')}>
      <p class="hint" id="notes-intro">
        {t('notes.intro')}
      </p>
      <SuccessNotice id="notes-notice" text={notice} />
      <DisclosureResults state={notes}>
        {(list) => (
          <>
            {list.items.length === 0 ? (
              // With notes withheld, the notice below says that there are some.
              list.withheld === 0 && (
                <p class="muted" id="notes-empty">
                  {t('notes.none')}
                </p>
              )
            ) : (
              <ol class="note-list" id="note-list" aria-label={t('notes.listLabel', { number: isolate(item.case_number) })}>
                {list.items.map((note) => (
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
            {list.withheld > 0 && (
              <div class="notice info" id="notes-withheld">
                <p>
                  <strong>{list.withheld === 1 ? t('notes.withheldOne') : t('notes.withheldMany', { n: formatNumber(list.withheld) })}</strong>
                </p>
                <p>{t('notes.withheldWhy')}</p>
              </div>
            )}
            <p class="button-row">
              <RefreshButton id="notes-refresh" busy={notes.loading} onRefresh={notes.reload}>
                {t('notes.refresh')}
              </RefreshButton>
            </p>
          </>
        )}
      </DisclosureResults>
      {item.access.may_update && notes.opened && (
        <NoteForm
          item={item}
          onStart={() => setNotice('')}
          onWritten={() => {
            setNotice(t('notes.added'));
            notes.reload();
          }}
        />
      )}
    </Disclosure>
  );
}

/** 422 on `kind`, `body` or `next_contact_on`, 403 on `confidential`: each at its control, in
 * the server's words. */
function placeNoteErrors(caught: unknown) {
  return caught instanceof ApiError && (caught.status === 422 || caught.status === 403) ? problemsAt(caught, CONTROL) : null;
}

function NoteForm({ item, onStart, onWritten }: { item: Case; onStart: () => void; onWritten: () => void }) {
  // Only the case's assigned worker writes confidential notes (the server refuses anyone else).
  const mayConfide = item.access.relationship === 'assigned';
  const [kind, setKind] = useState('');
  const [body, setBody] = useState('');
  const [confidential, setConfidential] = useState(false);
  const [nextContact, setNextContact] = useState('');
  const form = useSubmission('note-form', placeNoteErrors);

  const submit = async () => {
    const local: FieldErrors = {};
    if (!kind) local['note-kind'] = t('notes.kindRequired');
    if (!body.trim()) local['note-body'] = t('notes.bodyRequired');
    if (!form.ready(local)) return;
    onStart();
    await form.send(async () => {
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
    });
  };

  const { errors, clear } = form;
  const confidentialError = errors['note-confidential'];

  return (
    <SubmissionForm
      id="note-form"
      class="note-form"
      title={t('notes.formTitle')}
      submission={form}
      errorId="note-error"
      submitId="note-submit"
      submitLabel={t('notes.submit')}
      busyLabel={t('notes.submitting')}
      onSubmit={submit}
    >
      <SelectField
        id="note-kind"
        label={t('notes.kind')}
        required
        value={kind}
        onChange={(value) => {
          setKind(value);
          clear('note-kind');
        }}
        error={errors['note-kind']}
      >
        <option value="">{t('common.choose')}</option>
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {kindName(k)}
          </option>
        ))}
      </SelectField>
      <TextField
        id="note-body"
        label={t('notes.body')}
        hint={t('notes.bodyHint', { max: formatNumber(MAX_BODY) })}
        multiline
        rows={5}
        maxLength={MAX_BODY}
        required
        value={body}
        onInput={(value) => {
          setBody(value);
          clear('note-body');
        }}
        error={errors['note-body']}
      />
      <TextField
        id="note-next-contact"
        label={t('notes.nextContact')}
        hint={t('notes.nextContactHint')}
        type="date"
        narrow
        min={todayLocal()}
        max={inAYear()}
        value={nextContact}
        onInput={(value) => {
          setNextContact(value);
          clear('note-next-contact');
        }}
        error={errors['note-next-contact']}
      />
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
    </SubmissionForm>
  );
}
