// The inputs the editors are made of: a label in each language of the instance, ids, whole
// numbers, tick boxes and groups of them. Each input's id is how errors find it.

import type { ComponentChildren } from 'preact';
import type { Classification, Labels } from '../../api';
import { HintAndError, Required, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { CLASSIFICATIONS } from './fieldDraft';
import { languageName, type Languages, type Problems } from './model';

function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}--help` : '', error ? `${id}--error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** One text per language of the instance, each in its own direction (`${id}-${lang}`). */
export function LabelsInput({
  id,
  legend,
  hint,
  value,
  onChange,
  languages,
  problems,
  optional,
  multiline,
}: {
  id: string;
  legend: string;
  hint?: string;
  value: Labels;
  onChange: (value: Labels) => void;
  languages: Languages;
  problems: Problems;
  optional?: boolean;
  multiline?: boolean;
}) {
  return (
    <fieldset class="field labels-input" id={`${id}--set`}>
      <legend>
        {legend}
        {!optional && <Required />}
      </legend>
      {hint && <p class="hint">{hint}</p>}
      <div class="labels-grid">
        {languages.codes.map((lang) => {
          const inputId = `${id}-${lang}`;
          const error = problems[inputId];
          const common = {
            id: inputId,
            lang,
            dir: (languages.rightToLeft.includes(lang) ? 'rtl' : 'ltr') as 'rtl' | 'ltr',
            value: value[lang] ?? '',
            'aria-invalid': error ? ('true' as const) : undefined,
            'aria-describedby': describedBy(inputId, false, Boolean(error)),
            onInput: (e: Event) => onChange({ ...value, [lang]: (e.currentTarget as HTMLInputElement).value }),
          };
          return (
            <div class={`field${error ? ' invalid' : ''}`} key={lang}>
              <label for={inputId}>
                {languageName(lang)} <span class="muted">({lang})</span>
              </label>
              <HintAndError id={inputId} error={error} />
              {multiline ? <textarea {...common} rows={2} /> : <input {...common} type="text" autoComplete="off" />}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** A short text typed left to right (ids, codes, patterns, numbers). */
export function CodeInput({
  id,
  label,
  hint,
  value,
  onInput,
  error,
  required,
  readOnly,
  numeric,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  required?: boolean;
  readOnly?: boolean;
  numeric?: boolean;
}) {
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {required && <Required />}
      </label>
      <HintAndError id={id} hint={hint} error={error} />
      <input
        id={id}
        type="text"
        dir="ltr"
        class="narrow"
        value={value}
        readOnly={readOnly}
        required={required}
        inputMode={numeric ? 'numeric' : undefined}
        autoComplete="off"
        spellcheck={false}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, Boolean(hint), Boolean(error))}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

/** A tick box with its label (and hint, and error). */
export function CheckField({
  id,
  label,
  hint,
  checked,
  onChange,
  error,
  disabled,
}: {
  id: string;
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string | undefined;
  disabled?: boolean;
}) {
  return (
    <div class={`field check-field${error ? ' invalid' : ''}`}>
      <div class="choice">
        <input
          type="checkbox"
          id={id}
          checked={checked}
          disabled={disabled}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(id, Boolean(hint), Boolean(error))}
          onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for={id}>{label}</label>
      </div>
      <HintAndError id={id} hint={hint} error={error} />
    </div>
  );
}

/** Tick boxes choosing several of `choices`; the first box has the group's id, so an error
 * placed on the id reaches it. */
export function CheckGroup({
  id,
  legend,
  hint,
  choices,
  chosen,
  onChange,
  error,
  columns,
  disabled,
}: {
  id: string;
  legend: string;
  hint?: string;
  choices: Array<{ value: string; label: ComponentChildren }>;
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  error?: string | undefined;
  columns?: boolean;
  disabled?: boolean;
}) {
  return (
    <fieldset class={`field${error ? ' invalid' : ''}`} aria-describedby={describedBy(id, Boolean(hint), Boolean(error))}>
      <legend>{legend}</legend>
      <HintAndError id={id} hint={hint} error={error} />
      <div class={`choices${columns ? ' config-columns' : ''}`}>
        {choices.map((choice, index) => {
          const boxId = index === 0 ? id : `${id}--${choice.value}`;
          return (
            <div class="choice" key={choice.value}>
              <input
                type="checkbox"
                id={boxId}
                value={choice.value}
                disabled={disabled}
                checked={chosen.includes(choice.value)}
                aria-invalid={error ? 'true' : undefined}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  const next = on ? [...chosen, choice.value] : chosen.filter((v) => v !== choice.value);
                  // Keep the order of the choices whatever order the boxes are ticked in.
                  onChange(choices.map((c) => c.value).filter((v) => next.includes(v)));
                }}
              />
              <label for={boxId}>{choice.label}</label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** An id, typed once when the thing is made and shown (read only) afterwards. */
export function IdInput({
  id,
  value,
  onInput,
  error,
  existing,
}: {
  id: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  existing: boolean;
}) {
  return (
    <CodeInput
      id={id}
      label={t('config.id')}
      hint={existing ? t('config.idFixed') : t('config.idHint')}
      value={value}
      onInput={(text) => onInput(text.trim())}
      error={error}
      required={!existing}
      readOnly={existing}
    />
  );
}

/** What most configured things have: an id (`${prefix}-id`, typed once when the thing is made)
 * and a label in each language of the instance (`${prefix}-label-${lang}`). */
export function IdAndLabels({
  prefix,
  id,
  onId,
  existing,
  labels,
  onLabels,
  legend,
  languages,
  problems,
}: {
  prefix: string;
  id: string;
  onId: (value: string) => void;
  existing: boolean;
  labels: Labels;
  onLabels: (value: Labels) => void;
  legend: string;
  languages: Languages;
  problems: Problems;
}) {
  return (
    <>
      <IdInput id={`${prefix}-id`} value={id} existing={existing} onInput={onId} error={problems[`${prefix}-id`]} />
      <LabelsInput id={`${prefix}-label`} legend={legend} value={labels} onChange={onLabels} languages={languages} problems={problems} />
    </>
  );
}

/** A case type's code (2 to 5 capital letters, in its case numbers), trimmed as it is typed. */
export function CaseTypeCodeInput({
  id,
  value,
  onInput,
  error,
}: {
  id: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
}) {
  return (
    <CodeInput
      id={id}
      label={t('config.ct.code')}
      hint={t('config.ct.codeHint')}
      value={value}
      required
      onInput={(text) => onInput(text.trim())}
      error={error}
    />
  );
}

/** Who may see a value: one of the classifications, chosen (there is no default). */
export function ClassificationSelect({
  id,
  label,
  hint,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange: (value: Classification | '') => void;
  error?: string | undefined;
}) {
  return (
    <SelectField id={id} label={label} hint={hint} value={value} required error={error} onChange={(next) => onChange(next as Classification | '')}>
      <option value="">{t('common.choose')}</option>
      {CLASSIFICATIONS.map((c) => (
        <option key={c} value={c}>
          {t(`classification.${c}`)}
        </option>
      ))}
    </SelectField>
  );
}
