// A case's form: the sections collected at the case's stage as inputs, the others (when
// editing) collapsed and read-only, an error summary on top.

import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import type { CaseFields, CaseType, Config } from '../api';
import { label, t } from '../i18n';
import { stageLabel } from '../labels';
import { errorMap, focusPath, type ShownError } from './errors';
import { FormContext, SectionForm } from './Fields';
import { ReadOnlySection } from './ReadOnly';
import { formFields, NOTHING_WITHHELD, sectionsAt, sectionsNotAt, type Draft, type Drafts, type Withheld } from './model';

export function ErrorSummary({ errors }: { errors: ShownError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="notice error error-summary" role="alert" id="error-summary" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t('form.summary')}</h2>
      <p>{errors.length === 1 ? t('form.summaryOne') : t('form.summaryCount', { count: errors.length })}</p>
      <ul>
        {errors.map((error) => (
          <li key={error.path}>
            <a
              href={`#${error.path}`}
              onClick={(e) => {
                e.preventDefault();
                focusPath(error.path);
              }}
            >
              {t('form.summaryItem', { label: error.label, message: error.message })}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

const EMPTY: CaseFields = {};

export function CaseForm({
  config,
  caseType,
  stage,
  drafts,
  onChange,
  errors,
  disabled,
  otherStageValues,
  onSubmit,
  lead,
  withheld = NOTHING_WITHHELD,
  children,
}: {
  config: Config;
  caseType: CaseType;
  stage: string;
  drafts: Drafts;
  onChange: (id: string, change: (previous: Draft | undefined) => Draft) => void;
  errors: ShownError[];
  disabled: boolean;
  /** The case's values as the server sent them: sections of other stages are shown
   * read-only with them (and repeating groups seen only in part, retired fields, and the
   * retired options the case holds). */
  otherStageValues?: CaseFields;
  onSubmit: () => void;
  /** Shown above the sections, below the error summary. */
  lead?: ComponentChildren;
  /** What the user may not see or write of this case (nothing for a new case). */
  withheld?: Withheld;
  children: ComponentChildren;
}) {
  const values = otherStageValues ?? EMPTY;
  const fields = useMemo(() => formFields(caseType), [caseType]);
  const context = useMemo(
    () => ({ config, errors: errorMap(errors), disabled, withheld, values, fields }),
    [config, errors, disabled, withheld, values, fields],
  );
  const current = sectionsAt(caseType, stage);
  const others = otherStageValues ? sectionsNotAt(caseType, stage) : [];
  const jump = (id: string) => (e: Event) => {
    e.preventDefault();
    const heading = document.getElementById(id);
    heading?.focus();
    heading?.scrollIntoView({ block: 'start' });
  };
  return (
    <FormContext.Provider value={context}>
      <div class="form-layout">
        {current.length + (others.length ? 1 : 0) > 2 && (
          <nav class="section-nav" aria-label={t('form.sections')}>
            <h2 class="section-nav-title">{t('form.sections')}</h2>
            <ul>
              {current.map((section) => (
                <li key={section.id}>
                  <a href={`#s-${section.id}`} onClick={jump(`s-${section.id}`)}>
                    {label(section.label)}
                  </a>
                </li>
              ))}
              {others.length > 0 && (
                <li>
                  <a href="#other-stages-title" onClick={jump('other-stages-title')}>
                    {t('case.otherStages')}
                  </a>
                </li>
              )}
            </ul>
          </nav>
        )}
        <div class="form-main">
          <form
            class="case-form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              onSubmit();
            }}
          >
            <ErrorSummary errors={errors} />
            {lead}
            <p class="muted required-note">
              <span class="req" aria-hidden="true">
                *
              </span>{' '}
              = {t('form.required')}
            </p>
            {current.map((section) => (
              <SectionForm key={section.id} section={section} drafts={drafts} onChange={onChange} />
            ))}
            <div class="form-actions">{children}</div>
          </form>
          {others.length > 0 && otherStageValues && (
            <section class="other-stages" aria-labelledby="other-stages-title">
              <h2 id="other-stages-title" class="subtle-heading" tabIndex={-1}>
                {t('case.otherStages')}
              </h2>
              {others.map((section) => (
                <ReadOnlySection
                  key={section.id}
                  config={config}
                  section={section}
                  values={otherStageValues}
                  stageName={section.stage ? stageLabel(config, section.stage) : ''}
                  withheld={withheld}
                />
              ))}
            </section>
          )}
        </div>
      </div>
    </FormContext.Provider>
  );
}
