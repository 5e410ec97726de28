// The case types part: pick a case type, see and edit its attributes, its sections and their
// fields; add a section or a field; preview a section as a case worker will see it.

import { useState } from 'preact/hooks';
import type { CaseTypeEntities, ConfigEntities, SectionEntity } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { formatNumber, t } from '../../i18n';
import { intensityLabel } from '../../labels';
import { navigate } from '../../router';
import { CaseTypeDialog } from './CaseTypeDialog';
import { useEditing } from './context';
import { FieldDialog } from './FieldDialog';
import { named } from './model';
import { ConfigTable, RowActions } from './parts';
import { FormPreview } from './Preview';
import { SectionDialog } from './SectionDialog';
import type { ConditionField } from './SkipLogic';
import { XlsFormDialog } from './XlsFormDialog';

type Open =
  | { kind: 'case_type' }
  | { kind: 'xlsform' }
  | { kind: 'section'; section: string | null }
  | { kind: 'field'; section: string; field: string | null }
  | { kind: 'preview'; section: string };

/** The case type a part shows: the one named in the address, else the first. */
export function chosenCaseType(entities: ConfigEntities, params: URLSearchParams): CaseTypeEntities | undefined {
  const wanted = params.get('case_type');
  return entities.case_types.find((c) => c.case_type.id === wanted) ?? entities.case_types[0];
}

/** Top-level fields of the case type that skip logic may depend on. */
export function conditionFields(caseType: CaseTypeEntities): ConditionField[] {
  return caseType.sections.flatMap((section) =>
    section.field
      .filter((f) => f.type === 'yes_no' || f.type === 'single_select' || f.type === 'multi_select')
      .map((f) => ({ id: f.id, label: f.label, type: f.type, option_list: f.option_list, section: named(section.label, section.id) })),
  );
}

export function CaseTypePicker({ part, caseType }: { part: 'case-types' | 'workflow'; caseType: CaseTypeEntities }) {
  const { entities } = useEditing();
  return (
    <SelectField
      id="config-case-type"
      label={t('config.caseType')}
      class="narrow"
      value={caseType.case_type.id}
      onChange={(id) => navigate({ name: 'configuration', part, params: new URLSearchParams({ case_type: id }) }, true)}
    >
      {entities.case_types.map((c) => (
        <option key={c.case_type.id} value={c.case_type.id}>
          {named(c.case_type.name, c.case_type.id)}
        </option>
      ))}
    </SelectField>
  );
}

export function CaseTypesPart({ params }: { params: URLSearchParams }) {
  const { entities, config } = useEditing();
  const [open, setOpen] = useState<Open | null>(null);
  const caseType = chosenCaseType(entities, params);
  const close = () => setOpen(null);
  const importing = (
    <>
      <button type="button" class="button secondary" id="xlsform-open" onClick={() => setOpen({ kind: 'xlsform' })}>
        {t('config.xf.open')}
      </button>
      {open?.kind === 'xlsform' && <XlsFormDialog onClose={close} />}
    </>
  );
  if (!caseType) {
    return (
      <>
        <p class="empty card">{t('config.noCaseTypes')}</p>
        {importing}
      </>
    );
  }
  const ct = caseType.case_type;
  const stageName = (id: string) => named(entities.stages.find((s) => s.id === id)?.label, id);
  const previewed = open?.kind === 'preview' ? caseType.sections.find((s) => s.id === open.section) : undefined;

  return (
    <>
      <div class="config-row align-end">
        <CaseTypePicker part="case-types" caseType={caseType} />
        {importing}
      </div>
      <section class="card" aria-labelledby="case-type-details-title">
        <div class="team-head">
          <h2 id="case-type-details-title">{named(ct.name, ct.id)}</h2>
          <button type="button" class="button secondary small" id="case-type-edit" onClick={() => setOpen({ kind: 'case_type' })}>
            {t('config.editCaseType')}
          </button>
        </div>
        <dl class="facts config-facts">
          <Fact term={t('config.ct.code')} value={<bdi dir="ltr">{ct.code}</bdi>} />
          <Fact term={t('config.ct.domain')} value={t(`config.domain.${ct.domain}` as 'config.domain.other')} />
          <Fact term={t('config.ct.default_intensity')} value={intensityLabel(ct.default_intensity)} />
          <Fact
            term={t('config.ct.caseloads')}
            value={t('config.ct.caseloadsValue', { recommended: formatNumber(ct.recommended_caseload), maximum: formatNumber(ct.maximum_caseload) })}
          />
          <Fact term={t('config.ct.review_frequency_days')} value={t('config.days', { n: formatNumber(ct.review_frequency_days) })} />
          <Fact
            term={t('config.ct.follow_up_days')}
            value={ct.follow_up_days ? t('config.days', { n: formatNumber(ct.follow_up_days) }) : t('config.instanceDefault')}
          />
          <Fact term={t('config.ct.stages')} value={ct.stages.map(stageName).join(' → ')} />
        </dl>
      </section>

      <div class="page-head config-subhead">
        <h2>{t('config.sections')}</h2>
        <button type="button" class="button primary" id="section-add" onClick={() => setOpen({ kind: 'section', section: null })}>
          + {t('config.addSection')}
        </button>
      </div>
      {caseType.sections.map((section) => (
        <SectionCard
          key={section.id}
          section={section}
          stageName={section.stage ? stageName(section.stage) : t('config.everyStage')}
          onEdit={() => setOpen({ kind: 'section', section: section.id })}
          onAddField={() => setOpen({ kind: 'field', section: section.id, field: null })}
          onEditField={(field) => setOpen({ kind: 'field', section: section.id, field })}
          onPreview={() => setOpen({ kind: 'preview', section: section.id })}
        />
      ))}

      {open?.kind === 'case_type' && <CaseTypeDialog caseType={caseType} onClose={close} />}
      {open?.kind === 'section' && <SectionDialog caseType={caseType} sectionId={open.section} onClose={close} />}
      {open?.kind === 'field' && <FieldDialog caseType={caseType} sectionId={open.section} fieldId={open.field} onClose={close} />}
      {previewed && (
        <Dialog id="preview-dialog" title={t('config.previewTitle', { section: named(previewed.label, previewed.id) })} onClose={close} wide>
          <FormPreview
            config={config}
            optionLists={entities.option_lists}
            section={previewed}
            otherFields={caseType.sections.filter((s) => s !== previewed).flatMap((s) => s.field)}
          />
          <div class="dialog-actions">
            <button type="button" class="button secondary" onClick={close}>
              {t('dialog.close')}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

function Fact({ term, value }: { term: string; value: preact.ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function SectionCard({
  section,
  stageName,
  onEdit,
  onAddField,
  onEditField,
  onPreview,
}: {
  section: SectionEntity;
  stageName: string;
  onEdit: () => void;
  onAddField: () => void;
  onEditField: (id: string) => void;
  onPreview: () => void;
}) {
  const headingId = `section-${section.id}-title`;
  const name = named(section.label, section.id);
  return (
    <section class="card config-section" aria-labelledby={headingId} id={`section-${section.id}`}>
      <div class="team-head">
        <h3 id={headingId}>
          {name} <span class="muted config-id">({section.id})</span>
        </h3>
        <div class="button-row">
          <button type="button" class="button secondary small" onClick={onEdit} id={`section-${section.id}-edit`}>
            {t('config.editSection')}
            <span class="sr-only"> {name}</span>
          </button>
          <button type="button" class="button secondary small" onClick={onPreview} id={`section-${section.id}-preview`}>
            {t('config.preview')}
            <span class="sr-only"> {name}</span>
          </button>
          <button type="button" class="button primary small" onClick={onAddField} id={`section-${section.id}-add-field`}>
            + {t('config.addField')}
            <span class="sr-only"> ({name})</span>
          </button>
        </div>
      </div>
      <p class="muted">{t('config.sectionStage', { stage: stageName })}</p>
      <ConfigTable
        caption={t('config.fieldsOf', { section: name })}
        columns={[t('config.field.label'), t('config.id'), t('config.field.type'), t('config.field.classification'), t('config.notes')]}
      >
        {section.field.map((field) => {
          const fieldName = named(field.label, field.id);
          const notes = [
            field.required ? t('config.field.required') : '',
            field.retired ? t('config.retired') : '',
            field.show_when ? t('config.skip.short', { field: field.show_when.field }) : '',
            field.report_dimension ? t('config.field.report_dimension') : '',
          ].filter(Boolean);
          return (
            <tr key={field.id} id={`field-row-${field.id}`} class={field.retired ? 'retired' : undefined}>
              <th scope="row" data-label={t('config.field.label')}>
                {fieldName}
              </th>
              <td data-label={t('config.id')}>
                <bdi dir="ltr">{field.id}</bdi>
              </td>
              <td data-label={t('config.field.type')}>{t(`config.type.${field.type}`)}</td>
              <td data-label={t('config.field.classification')}>{t(`classification.${field.classification}`)}</td>
              <td data-label={t('config.notes')}>{notes.join(' · ') || t('common.none')}</td>
              <td data-label={t('users.actions')}>
                <RowActions name={fieldName} editId={`field-${field.id}-edit`} onEdit={() => onEditField(field.id)} />
              </td>
            </tr>
          );
        })}
      </ConfigTable>
    </section>
  );
}
