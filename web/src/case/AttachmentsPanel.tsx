// The case page's "Documents" panel: the case's attachments (consent forms, assessments,
// referral letters, photos) that the person may see, how many others are withheld from them,
// and, for whoever may change the case, a form to add one. A disclosure that loads when first
// opened, like the other panels: listing the documents is itself recorded in the audit trail.
//
// An upload sends the file itself (not a multipart form) with its kind and classification; the
// configuration's `attachments` gives the kinds, the accepted media types (the file input's
// `accept`) and the largest size, refused here before anything is sent. A download is fetched,
// so the request carries the app's headers and a refusal is shown on the page. The assigned
// worker may remove a document, with a reason (recorded in the trail), after confirming it.

import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type Attachment, type Case, type Classification, type Config } from '../api';
import { describeActionError, RefreshButton, saveFile, SuccessNotice, useNotice } from '../components';
import { HintAndError, Required, SelectField } from '../dialog';
import { currentLanguage, formatAlternatives, formatBytes, formatDateTime, formatNumber, hasMessage, isolate, t } from '../i18n';
import { SubmissionForm, useSubmission } from '../submission';
import { ReasonDialog } from './common';
import { Disclosure, DisclosureResults, useDisclosure } from './disclosure';

const MIB = 1024 * 1024;

/** Short names of the media types a person knows files by; others by their subtype. */
const TYPE_NAMES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (DOCX)',
  'application/vnd.oasis.opendocument.text': 'OpenDocument (ODT)',
};

function typeName(mediaType: string): string {
  return TYPE_NAMES[mediaType] ?? mediaType.split('/').pop() ?? mediaType;
}

/** A kind of document in words; one this app does not name, as the server sent it. */
function kindName(kind: string): string {
  const key = `attachment.kind.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

function classificationName(classification: string): string {
  const key = `classification.${classification}`;
  return hasMessage(key) ? t(key) : classification;
}

/** The limit in MiB, as the server words it (rounded up). */
function maxMib(maxBytes: number): string {
  return formatNumber(Math.ceil(maxBytes / MIB));
}

/** The form's controls, by the request part a problem names. */
const CONTROL: Record<string, string> = {
  file: 'attachment-file',
  file_name: 'attachment-file',
  content_type: 'attachment-file',
  kind: 'attachment-kind',
  classification: 'attachment-classification',
};

/** A problem with one part of an upload, found here or by the server (its `code`, and its
 * `message` for a code the app does not know); put in words when shown, in the language of
 * the moment. */
interface UploadProblem {
  code: string;
  message?: string;
  classification?: Classification;
}

/** Problems by the id of the control they are about. */
type UploadProblems = Record<string, UploadProblem[]>;

/** What to say about a problem with an upload: the app's words for the codes it knows (they
 * name the limit and the accepted types as a person knows them), else the server's message. */
function uploadMessage(config: Config, problem: UploadProblem): string {
  const rules = config.attachments;
  switch (problem.code) {
    case 'file_required':
      return t('attachments.fileRequired');
    case 'kind_required':
      return t('attachments.kindRequired');
    case 'classification_refused':
      return t('attachments.classificationRefused', {
        classification: classificationName(problem.classification ?? 'restricted').toLocaleLowerCase(currentLanguage()),
      });
    case 'not_accepted':
      return t('attachments.notAccepted', { types: formatAlternatives(rules.media_types.map(typeName)) });
    case 'too_large':
      return t('attachments.tooLarge', { max: maxMib(rules.max_bytes) });
    case 'content_mismatch':
      return t('attachments.contentMismatch');
    case 'empty':
      return t('attachments.empty');
    case 'invalid_file_name':
      return t('attachments.badName');
    default:
      return problem.message || problem.code;
  }
}

/** Problems the server placed on the upload's parts, on the form's controls; null when it
 * named none (a 404, a network failure, a 403 not about a choice: said above the form). A 403
 * naming `classification` refuses the classification: nobody may add a document they could not
 * see themselves (the restricted ones need the `attachments` grant). */
function placeUploadErrors(classification: Classification, caught: unknown): UploadProblems | null {
  if (!(caught instanceof ApiError)) return null;
  if (caught.status === 403) {
    return caught.errors.some((e) => e.field === 'classification')
      ? { 'attachment-classification': [{ code: 'classification_refused', classification }] }
      : null;
  }
  if (![413, 415, 422].includes(caught.status)) return null;
  const placed: UploadProblems = {};
  for (const problem of caught.errors) {
    const id = CONTROL[problem.field];
    if (id) (placed[id] ??= []).push({ code: problem.code, message: problem.message });
  }
  return Object.keys(placed).length ? placed : null;
}

export function AttachmentsPanel({ config, item }: { config: Config; item: Case }) {
  const documents = useDisclosure(() => api.attachments(item.id), [item.id]);
  const [downloadError, setDownloadError] = useState<{ name: string; error: unknown } | null>(null);
  /** The document whose removal is being confirmed. */
  const [removing, setRemoving] = useState<Attachment | null>(null);
  // Only the case's assigned worker removes its documents (the server refuses anyone else).
  const mayRemove = item.access.relationship === 'assigned';
  /** After a removal, the keyboard goes to the notice saying so: the button that opened the
   * dialog leaves with its row. */
  const notice = useNotice('attachments-notice');

  const download = async (event: MouseEvent, attachment: Attachment) => {
    // A click with a modifier (new tab, save link) is the browser's to follow.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    setDownloadError(null);
    try {
      const file = await api.downloadAttachment(item.id, attachment);
      saveFile(file.blob, attachment.name);
    } catch (caught) {
      setDownloadError({ name: attachment.name, error: caught });
    }
  };

  return (
    <Disclosure
      id="attachments-panel"
      state={documents}
      title={t('attachments.title')}
      summary={t('attachments.summary')}
      outside={
        removing && (
          <ReasonDialog
            id="remove-attachment-dialog"
            title={t('attachments.removeTitle', { name: isolate(removing.name) })}
            explanation={t('attachments.removeText')}
            submitLabel={t('attachments.removeSubmit')}
            onClose={() => setRemoving(null)}
            run={async (reason) => {
              await api.removeAttachment(item.id, removing.id, { reason });
              setRemoving(null);
              setDownloadError(null);
              notice.show(t('attachments.removed', { name: isolate(removing.name) }), true);
              documents.reload();
            }}
          />
        )
      }
    >
      <p class="hint" id="attachments-intro">
        {t('attachments.intro')}
      </p>
      <SuccessNotice id="attachments-notice" text={notice.text} focusable />
      <DisclosureResults state={documents}>
        {({ items, withheld }) => (
          <>
            {items.length === 0 ? (
              // With documents withheld, the notice below says that there are some.
              withheld === 0 && (
                <p class="muted" id="attachments-empty">
                  {t('attachments.none')}
                </p>
              )
            ) : (
              <table class="cases data-table attachments-table" id="attachments-table">
                <caption class="sr-only">{t('attachments.caption', { number: isolate(item.case_number) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('attachments.col.name')}</th>
                    <th scope="col">{t('attachments.col.kind')}</th>
                    <th scope="col">{t('attachments.col.classification')}</th>
                    <th scope="col">{t('attachments.col.size')}</th>
                    <th scope="col">{t('attachments.col.uploadedBy')}</th>
                    <th scope="col">{t('attachments.col.uploadedAt')}</th>
                    {mayRemove && (
                      <th scope="col">
                        <span class="sr-only">{t('attachments.col.actions')}</span>
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody>
                  {items.map((attachment) => (
                    <tr key={attachment.id} id={`attachment-${attachment.id}`}>
                      <th scope="row" data-label={t('attachments.col.name')}>
                        <a
                          class="attachment-link"
                          href={api.attachmentUrl(item.id, attachment.id)}
                          download={attachment.name}
                          onClick={(e) => download(e, attachment)}
                        >
                          <bdi>{attachment.name}</bdi>
                        </a>
                      </th>
                      <td data-label={t('attachments.col.kind')}>{kindName(attachment.kind)}</td>
                      <td data-label={t('attachments.col.classification')}>
                        <span class={`badge classification-${attachment.classification}`}>{classificationName(attachment.classification)}</span>
                      </td>
                      <td data-label={t('attachments.col.size')} class="nowrap">
                        {formatBytes(attachment.size)}
                      </td>
                      <td data-label={t('attachments.col.uploadedBy')}>
                        <bdi>{attachment.uploaded_by.display_name}</bdi>
                      </td>
                      <td data-label={t('attachments.col.uploadedAt')}>
                        <time dateTime={attachment.uploaded_at}>{formatDateTime(attachment.uploaded_at)}</time>
                      </td>
                      {mayRemove && (
                        <td data-label={t('attachments.col.actions')} class="nowrap">
                          <button
                            type="button"
                            class="button link danger attachment-remove"
                            onClick={() => {
                              notice.clear();
                              setRemoving(attachment);
                            }}
                          >
                            {t('attachments.remove')}
                            <span class="sr-only">
                              {' '}
                              <bdi>{attachment.name}</bdi>
                            </span>
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {withheld > 0 && (
              <div class="notice info" id="attachments-withheld">
                <p>
                  <strong>
                    {withheld === 1 ? t('attachments.withheldOne') : t('attachments.withheldMany', { n: formatNumber(withheld) })}
                  </strong>
                </p>
                <p>{t('attachments.withheldWhy')}</p>
              </div>
            )}
            {downloadError ? (
              <div class="notice error" role="alert" id="attachments-download-error">
                <p>
                  <strong>{t('attachments.downloadFailed', { name: isolate(downloadError.name) })}</strong>
                </p>
                <p>{describeActionError(downloadError.error)}</p>
              </div>
            ) : null}
            <p class="button-row">
              <RefreshButton id="attachments-refresh" busy={documents.loading} onRefresh={documents.reload}>
                {t('attachments.refresh')}
              </RefreshButton>
            </p>
          </>
        )}
      </DisclosureResults>
      {item.access.attachable.length > 0 && documents.opened && (
        <UploadForm
          config={config}
          item={item}
          onUploaded={(attachment) => {
            notice.show(t('attachments.uploaded', { name: isolate(attachment.name) }));
            documents.reload();
          }}
          onStart={notice.clear}
        />
      )}
    </Disclosure>
  );
}

function UploadForm({
  config,
  item,
  onUploaded,
  onStart,
}: {
  config: Config;
  item: Case;
  onUploaded: (attachment: Attachment) => void;
  onStart: () => void;
}) {
  const rules = config.attachments;
  // The server says which classifications this user may attach: those they could see.
  const classifications = item.access.attachable as Classification[];
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState('');
  const [classification, setClassification] = useState<Classification>(
    classifications.includes('restricted') ? 'restricted' : (classifications[0] ?? 'standard'),
  );
  const form = useSubmission<UploadProblem[]>('attachment-form', (caught) => placeUploadErrors(classification, caught));

  const submit = async () => {
    const missing: UploadProblems = {};
    if (!file) missing['attachment-file'] = [{ code: 'file_required' }];
    // Too large is refused before anything is sent; the server would refuse it too.
    else if (file.size > rules.max_bytes) missing['attachment-file'] = [{ code: 'too_large' }];
    else if (file.size === 0) missing['attachment-file'] = [{ code: 'empty' }];
    if (!kind) missing['attachment-kind'] = [{ code: 'kind_required' }];
    if (!form.ready(missing) || !file) return;
    onStart();
    await form.send(async () => {
      const added = await api.uploadAttachment(item.id, file, { kind, classification });
      setFile(null);
      setKind('');
      if (fileInput.current) fileInput.current.value = '';
      onUploaded(added);
    });
  };

  /** A control's problems in words, or nothing. */
  const errorOf = (id: string): string | undefined => {
    const messages = [...new Set((form.errors[id] ?? []).map((p) => uploadMessage(config, p)))];
    return messages.length ? messages.join('; ') : undefined;
  };
  const fileError = errorOf('attachment-file');
  const { clear } = form;

  return (
    <SubmissionForm
      id="attachment-form"
      class="attachment-form"
      title={t('attachments.uploadTitle')}
      submission={form}
      errorId="attachment-upload-error"
      submitId="attachment-upload"
      submitLabel={t('attachments.upload')}
      busyLabel={t('attachments.uploading')}
      onSubmit={submit}
    >
      <div class={`field${fileError ? ' invalid' : ''}`}>
        <label for="attachment-file">
          {t('attachments.file')}
          <Required />
        </label>
        <HintAndError
          id="attachment-file"
          hint={t('attachments.fileHint', { types: formatAlternatives(rules.media_types.map(typeName)), max: maxMib(rules.max_bytes) })}
          error={fileError}
        />
        <input
          ref={fileInput}
          type="file"
          id="attachment-file"
          required
          accept={rules.media_types.join(',')}
          aria-invalid={fileError ? 'true' : undefined}
          aria-describedby={`attachment-file--help${fileError ? ' attachment-file--error' : ''}`}
          onChange={(e) => {
            setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
            clear('attachment-file');
          }}
        />
      </div>
      <SelectField
        id="attachment-kind"
        label={t('attachments.kind')}
        required
        value={kind}
        onChange={(value) => {
          setKind(value);
          clear('attachment-kind');
        }}
        error={errorOf('attachment-kind')}
      >
        <option value="">{t('common.choose')}</option>
        {rules.kinds.map((k) => (
          <option key={k} value={k}>
            {kindName(k)}
          </option>
        ))}
      </SelectField>
      <SelectField
        id="attachment-classification"
        label={t('attachments.classification')}
        hint={t('attachments.classificationHint')}
        required
        value={classification}
        onChange={(value) => {
          setClassification(value as Classification);
          clear('attachment-classification');
        }}
        error={errorOf('attachment-classification')}
      >
        {classifications.map((c) => (
          <option key={c} value={c}>
            {classificationName(c)}
          </option>
        ))}
      </SelectField>
    </SubmissionForm>
  );
}
