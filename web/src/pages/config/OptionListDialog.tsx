// An option list and its options: the list's label, and each option's id (set when it is made),
// label in each language, and whether it is retired (no longer offered; values recorded keep
// it). An option a case may hold cannot be removed: the server says so, and it can be retired.

import { useState } from 'preact/hooks';
import type { ConfigChange, Labels, OptionListEntity } from '../../api';
import { Dialog, SelectField } from '../../dialog';
import { t } from '../../i18n';
import { useEditing } from './context';
import { CheckField, IdAndLabels } from './inputs';
import { cleanLabels, collector, compact, keyInput, moved, named, namedProblems } from './model';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

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
  const place = (path: string) => {
    const option = /^option_list\[\d+\]\.option\[(\d+)\]\.(.+)$/.exec(path);
    if (option?.[2]) return keyInput(`ol-o${option[1]}`, option[2], languages);
    const own = /^option_list\[\d+\]\.(.+)$/.exec(path);
    if (own?.[1]) return own[1] === 'option' ? 'ol-options' : keyInput('ol', own[1], languages);
    return null;
  };
  const save = useConfigSave({ form: FORM, place, onSaved: onClose });
  const { shown, touched, edit } = save;
  const setOption = (index: number, patch: Partial<OptionDraft>) => {
    setOptions(options.map((o, i) => (i === index ? { ...o, ...patch } : o)));
    touched();
  };

  const check = () => {
    const { problems: found, add } = collector(namedProblems('ol', id, original ? null : entities.option_lists.map((l) => l.id), labels, languages));
    if (options.length === 0) add('ol-options', t('config.ol.optionsRequired'));
    options.forEach((o, i) => {
      const taken = o.existing ? null : options.filter((_, j) => j !== i).map((x) => x.id);
      for (const [input, problem] of Object.entries(namedProblems(`ol-o${i}`, o.id, taken, o.label, languages))) add(input, problem);
    });
    save.check(found, () => {
      const value: OptionListEntity = {
        ...compact({ id, label: cleanLabels(labels) }),
        option: options.map((o) => compact({ id: o.id, label: cleanLabels(o.label), retired: o.retired })),
      };
      const change: ConfigChange = { op: 'put', entity: { kind: 'option_list', id }, value, ...(original ? {} : { after: after || null }) };
      return [change];
    });
  };

  const optionsError = shown['ol-options'];
  const title = original ? t('config.ol.editTitle', { list: named(original.label, original.id) }) : t('config.ol.addTitle');

  return (
    <Dialog id="option-list-dialog" title={title} onClose={onClose} wide>
      <EditorForm id={FORM} checker={save.checker} sticky onCheck={check} onCancel={onClose}>
        <IdAndLabels
          prefix="ol"
          id={id}
          onId={edit(setId)}
          existing={Boolean(original)}
          labels={labels}
          onLabels={edit(setLabels)}
          legend={t('config.ol.label')}
          languages={languages}
          problems={shown}
        />
        {!original && (
          <SelectField id="ol-after" label={t('config.placeAfter')} value={after} onChange={edit(setAfter)}>
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
              <IdAndLabels
                prefix={`ol-o${i}`}
                id={o.id}
                onId={(value) => setOption(i, { id: value })}
                existing={o.existing}
                labels={o.label}
                onLabels={(value) => setOption(i, { label: value })}
                legend={t('config.ol.optionLabel')}
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
