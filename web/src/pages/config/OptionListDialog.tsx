// An option list and its options: the list's label, and each option's id (set when it is made),
// label in each language, and whether it is retired (no longer offered; values recorded keep
// it). An option a case may hold cannot be removed: the server says so, and it can be retired.

import { useState } from 'preact/hooks';
import type { ConfigChange, Labels, OptionListEntity } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { CheckField, IdInput, LabelsInput } from './inputs';
import { cleanLabels, collector, compact, idProblem, keyInput, labelProblems, moved, named, type Problems } from './model';
import { changesAction, EditorForm, useChecker } from './Review';

const FORM = 'option-list-editor';

interface OptionDraft {
  id: string;
  label: Labels;
  retired: boolean;
  existing: boolean;
  /** A key that stays with the option when others move or go. */
  key: number;
}

let nextKey = 1;

export function OptionListDialog({ listId, onClose }: { listId: string | null; onClose: () => void }) {
  const { entities, languages } = useEditing();
  const original = entities.option_lists.find((l) => l.id === listId) ?? null;
  const [id, setId] = useState(original?.id ?? '');
  const [labels, setLabels] = useState<Labels>({ ...(original?.label ?? {}) });
  const [options, setOptions] = useState<OptionDraft[]>(() =>
    (original?.option ?? []).map((o) => ({ id: o.id, label: { ...o.label }, retired: Boolean(o.retired), existing: true, key: nextKey++ })),
  );
  const [after, setAfter] = useState(() => entities.option_lists[entities.option_lists.length - 1]?.id ?? '');
  const [problems, setProblems] = useState<Problems>({});
  const place = (path: string) => {
    const option = /^option_list\[\d+\]\.option\[(\d+)\]\.(.+)$/.exec(path);
    if (option?.[2]) return keyInput(`ol-o${option[1]}`, option[2], languages);
    const own = /^option_list\[\d+\]\.(.+)$/.exec(path);
    if (own?.[1]) return own[1] === 'option' ? 'ol-options' : keyInput('ol', own[1], languages);
    return null;
  };
  const checker = useChecker({ place, container: FORM, onSaved: onClose });
  const touched = () => {
    checker.reset();
    if (Object.keys(problems).length) setProblems({});
  };
  const setOption = (index: number, patch: Partial<OptionDraft>) => {
    setOptions(options.map((o, i) => (i === index ? { ...o, ...patch } : o)));
    touched();
  };

  const check = () => {
    const { problems: found, add } = collector();
    if (!original) add('ol-id', idProblem(id, entities.option_lists.map((l) => l.id)));
    Object.assign(found, labelProblems(labels, languages, 'ol-label'));
    if (options.length === 0) add('ol-options', t('config.ol.optionsRequired'));
    options.forEach((o, i) => {
      if (!o.existing) add(`ol-o${i}-id`, idProblem(o.id, options.filter((_, j) => j !== i).map((x) => x.id)));
      Object.assign(found, { ...labelProblems(o.label, languages, `ol-o${i}-label`), ...found });
    });
    setProblems(found);
    if (Object.keys(found).length) {
      checker.reset();
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`#${FORM} [aria-invalid="true"]`)?.focus());
      return;
    }
    const value: OptionListEntity = {
      ...compact({ id, label: cleanLabels(labels) }),
      option: options.map((o) => compact({ id: o.id, label: cleanLabels(o.label), retired: o.retired })),
    };
    const change: ConfigChange = { op: 'put', entity: { kind: 'option_list', id }, value, ...(original ? {} : { after: after || null }) };
    void checker.check(changesAction([change]));
  };

  const shown = { ...checker.placed, ...problems };
  const optionsError = shown['ol-options'];
  const title = original ? t('config.ol.editTitle', { list: named(original.label, original.id) }) : t('config.ol.addTitle');

  return (
    <Dialog id="option-list-dialog" title={title} onClose={onClose} wide>
      <EditorForm id={FORM} checker={checker} sticky onCheck={check} onCancel={onClose}>
        <IdInput
          id="ol-id"
          value={id}
          existing={Boolean(original)}
          onInput={(value) => {
            setId(value);
            touched();
          }}
          error={shown['ol-id']}
        />
        <LabelsInput
          id="ol-label"
          legend={t('config.ol.label')}
          value={labels}
          onChange={(value) => {
            setLabels(value);
            touched();
          }}
          languages={languages}
          problems={shown}
        />
        {!original && (
          <SelectField id="ol-after" label={t('config.placeAfter')} value={after} onChange={(value) => {
            setAfter(value);
            touched();
          }}>
            <option value="">{t('config.placeFirst')}</option>
            {entities.option_lists.map((l) => (
              <option key={l.id} value={l.id}>
                {named(l.label, l.id)}
              </option>
            ))}
          </SelectField>
        )}
        <fieldset class={`field${optionsError ? ' invalid' : ''}`} id="ol-options" tabIndex={-1} aria-invalid={optionsError ? 'true' : undefined}>
          <legend>{t('config.ol.options')}</legend>
          <p class="hint">{t('config.ol.optionsHint')}</p>
          {optionsError && <p class="field-error">{optionsError}</p>}
          {options.map((o, i) => (
            <fieldset class={`card option-card${o.retired ? ' retired' : ''}`} key={o.key}>
              <legend>
                {t('config.ol.option', { n: i + 1 })}: {named(o.label, o.id || '…')}
                {o.retired ? ` (${t('config.retired')})` : ''}
              </legend>
              <IdInput id={`ol-o${i}-id`} value={o.id} existing={o.existing} onInput={(value) => setOption(i, { id: value })} error={shown[`ol-o${i}-id`]} />
              <LabelsInput
                id={`ol-o${i}-label`}
                legend={t('config.ol.optionLabel')}
                value={o.label}
                onChange={(value) => setOption(i, { label: value })}
                languages={languages}
                problems={shown}
              />
              <CheckField
                id={`ol-o${i}-retired`}
                label={t('config.ol.retired')}
                hint={t('config.ol.retiredHint')}
                checked={o.retired}
                onChange={(retired) => setOption(i, { retired })}
                error={shown[`ol-o${i}-retired`]}
              />
              <div class="button-row">
                <button type="button" class="button secondary small" disabled={i === 0} onClick={() => {
                  setOptions(moved(options, i, -1));
                  touched();
                }}>
                  {t('config.moveUp')}
                </button>
                <button type="button" class="button secondary small" disabled={i === options.length - 1} onClick={() => {
                  setOptions(moved(options, i, 1));
                  touched();
                }}>
                  {t('config.moveDown')}
                </button>
                <button type="button" class="button link danger" onClick={() => {
                  setOptions(options.filter((_, j) => j !== i));
                  touched();
                }}>
                  {t('config.ol.removeOption', { n: i + 1 })}
                </button>
              </div>
            </fieldset>
          ))}
          <button
            type="button"
            class="button secondary"
            id="ol-add-option"
            onClick={() => {
              setOptions([...options, { id: '', label: {}, retired: false, existing: false, key: nextKey++ }]);
              touched();
              const index = options.length;
              requestAnimationFrame(() => document.getElementById(`ol-o${index}-id`)?.focus());
            }}
          >
            + {t('config.ol.addOption')}
          </button>
        </fieldset>
      </EditorForm>
    </Dialog>
  );
}
