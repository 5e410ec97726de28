// A section as a case worker will see it on a new case, drawn by the case form's own components
// (and rules) from the section being edited: its inputs work (on values kept here only, never
// sent), retired fields and options are left out, and a field whose skip logic is not met is
// hidden until the answer it depends on is given.

import { Component, type ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Config, Field, FieldEntity, OptionListEntity, Section, SectionEntity } from '../../api';
import { FormContext } from '../../form/Fields';
import { SectionForm } from '../../form/Fields';
import { isAsked, NOTHING_WITHHELD, type Drafts } from '../../form/model';
import { t } from '../../i18n';

/** A field's table as the case form reads fields (`GET /config`). */
export function fieldView(field: FieldEntity): Field {
  return {
    ...field,
    label: field.label ?? {},
    help: field.help ?? {},
    required: Boolean(field.required),
    report_dimension: Boolean(field.report_dimension),
    retired: Boolean(field.retired),
    show_when: field.show_when ?? null,
    fields: field.field ? field.field.map((m, i) => fieldView({ ...m, id: m.id || `member_${i + 1}` })) : null,
  } as Field;
}

/** The option lists of the entities as the form reads them. */
function previewConfig(config: Config, optionLists: OptionListEntity[]): Config {
  return {
    ...config,
    option_lists: optionLists.map((list) => ({
      id: list.id,
      label: list.label ?? {},
      options: list.option.map((o) => ({ id: o.id, label: o.label, retired: Boolean(o.retired) })),
    })),
  } as Config;
}

/** A preview that cannot be drawn (a field still half set up) says so rather than taking the
 * editor down with it. */
class PreviewGuard extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  override state = { failed: false };
  static override getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <p class="muted">{t('config.previewUnavailable')}</p> : this.props.children;
  }
}

export function FormPreview(props: Parameters<typeof Preview>[0]) {
  return (
    <PreviewGuard>
      <Preview {...props} />
    </PreviewGuard>
  );
}

function Preview({
  config,
  optionLists,
  section,
  otherFields,
}: {
  config: Config;
  optionLists: OptionListEntity[];
  section: SectionEntity;
  /** The case type's other fields, which skip logic may depend on (shown as answered by no one). */
  otherFields?: FieldEntity[];
}) {
  const [drafts, setDrafts] = useState<Drafts>({});
  const shownConfig = useMemo(() => previewConfig(config, optionLists), [config, optionLists]);
  const fields = section.field.map(fieldView);
  // Skip logic looks among all the case type's fields; those of other sections are unanswered.
  const all: Field[] = [...(otherFields ?? []).map(fieldView), ...fields];
  const context = {
    config: shownConfig,
    errors: new Map<string, string>(),
    disabled: false,
    withheld: NOTHING_WITHHELD,
    values: {},
    fields: all,
  };
  const view: Section = { id: `preview-${section.id}`, label: section.label, stage: section.stage ?? null, fields } as Section;
  const hidden = fields.filter((f) => !f.retired && !isAsked(f, all, drafts)).length;
  return (
    <div class="form-preview" aria-label={t('config.previewRegion')} role="region">
      <p class="hint">{t('config.previewHint')}</p>
      <FormContext.Provider value={context}>
        <div class="case-form">
          <SectionForm
            section={view}
            drafts={drafts}
            onChange={(id, change) => setDrafts((previous) => ({ ...previous, [id]: change(previous[id]) }))}
          />
        </div>
      </FormContext.Provider>
      {hidden > 0 && <p class="muted">{t('config.previewHidden', { n: hidden })}</p>}
    </div>
  );
}
