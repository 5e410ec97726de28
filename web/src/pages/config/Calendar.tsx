// The working calendar (weekend days and holidays, which working-day deadlines skip) and the
// delays of the timeline rules (follow-up contacts, care plan approval, transfer
// acknowledgement, escalation).

import { useState } from 'preact/hooks';
import type { CalendarEntity, DeadlinesEntity } from '../../api';
import { currentLanguage, t } from '../../i18n';
import { useEditing } from './context';
import { CheckGroup, CodeInput } from './inputs';
import { collector, compact, wholeNumber } from './model';
import { EditorForm } from './Review';
import { useConfigSave } from './useConfigSave';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const DEADLINES = ['follow_up_days', 'approval_working_days', 'transfer_acknowledgement_working_days', 'escalate_after_working_days'] as const;
type Deadline = (typeof DEADLINES)[number];

/** A day's name in the UI language (1 January 2024 was a Monday). */
function dayName(index: number): string {
  try {
    return new Intl.DateTimeFormat(currentLanguage(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + index)));
  } catch {
    return DAYS[index] ?? '';
  }
}

export function CalendarPart() {
  const { entities } = useEditing();
  return (
    <>
      <CalendarEditor key={`c${entities.version}`} />
      <DeadlinesEditor key={`d${entities.version}`} />
    </>
  );
}

function CalendarEditor() {
  const { entities } = useEditing();
  const calendar = entities.calendar ?? {};
  const [weekend, setWeekend] = useState<string[]>(calendar.weekend ?? ['saturday', 'sunday']);
  const [holidays, setHolidays] = useState<string[]>(calendar.holidays ?? []);
  const place = (path: string) => {
    const holiday = /^calendar\.holidays\[(\d+)\]/.exec(path);
    if (holiday) return `cal-holiday-${holiday[1]}`;
    return path.startsWith('calendar.weekend') ? 'cal-weekend' : null;
  };
  const save = useConfigSave({ form: 'calendar-editor', place });
  const { shown, touched, edit } = save;

  const check = () => {
    const { problems: found, add } = collector();
    holidays.forEach((day, i) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) add(`cal-holiday-${i}`, t('config.cal.dateRequired'));
      else if (holidays.indexOf(day) !== i) add(`cal-holiday-${i}`, t('config.cal.dateTwice'));
    });
    if (weekend.length === 7) add('cal-weekend', t('config.cal.weekendAll'));
    save.check(found, () => {
      const value: CalendarEntity = { weekend, holidays: [...holidays].sort() };
      return [{ op: 'put', entity: { kind: 'calendar' }, value }];
    });
  };

  return (
    <section class="card" aria-labelledby="calendar-title">
      <h2 id="calendar-title">{t('config.cal.title')}</h2>
      <p class="muted">{t('config.cal.intro')}</p>
      <EditorForm id="calendar-editor" checker={save.checker} onCheck={check}>
        <CheckGroup
          id="cal-weekend"
          legend={t('config.cal.weekend')}
          choices={DAYS.map((day, i) => ({ value: day, label: dayName(i) }))}
          chosen={weekend}
          onChange={edit(setWeekend)}
          error={shown['cal-weekend']}
          columns
        />
        <fieldset class="field">
          <legend>{t('config.cal.holidays')}</legend>
          {holidays.length === 0 && <p class="muted">{t('config.cal.noHolidays')}</p>}
          <ul class="holiday-list">
            {holidays.map((day, i) => {
              const id = `cal-holiday-${i}`;
              const error = shown[id];
              return (
                <li key={i} class={`field${error ? ' invalid' : ''}`}>
                  <label for={id}>{t('config.cal.holiday', { n: i + 1 })}</label>
                  {error && (
                    <p class="field-error" id={`${id}--error`}>
                      {error}
                    </p>
                  )}
                  <span class="button-row">
                    <input
                      id={id}
                      type="date"
                      class="narrow"
                      value={day}
                      aria-invalid={error ? 'true' : undefined}
                      aria-describedby={error ? `${id}--error` : undefined}
                      onInput={(e) => {
                        const value = (e.currentTarget as HTMLInputElement).value;
                        setHolidays(holidays.map((d, j) => (j === i ? value : d)));
                        touched();
                      }}
                    />
                    <button
                      type="button"
                      class="button link danger"
                      onClick={() => {
                        setHolidays(holidays.filter((_, j) => j !== i));
                        touched();
                      }}
                    >
                      {t('config.cal.removeHoliday', { n: i + 1 })}
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
          <button
            type="button"
            class="button secondary"
            id="cal-add-holiday"
            onClick={() => {
              setHolidays([...holidays, '']);
              touched();
              const index = holidays.length;
              requestAnimationFrame(() => document.getElementById(`cal-holiday-${index}`)?.focus());
            }}
          >
            + {t('config.cal.addHoliday')}
          </button>
        </fieldset>
      </EditorForm>
    </section>
  );
}

function DeadlinesEditor() {
  const { entities } = useEditing();
  const deadlines = entities.deadlines ?? {};
  const [values, setValues] = useState<Record<Deadline, string>>(
    () => Object.fromEntries(DEADLINES.map((key) => [key, deadlines[key] == null ? '' : String(deadlines[key])])) as Record<Deadline, string>,
  );
  const place = (path: string) => {
    const match = /^deadlines\.(\w+)/.exec(path);
    return match ? `dl-${match[1]}` : null;
  };
  const save = useConfigSave({ form: 'deadlines-editor', place });

  const check = () => {
    const { problems: found, add } = collector();
    const value: DeadlinesEntity = {};
    for (const key of DEADLINES) {
      const result = wholeNumber(values[key], { min: 1, max: 365 });
      add(`dl-${key}`, result.problem);
      value[key] = result.value;
    }
    save.check(found, () => [{ op: 'put', entity: { kind: 'deadlines' }, value: compact(value) }]);
  };

  return (
    <section class="card" aria-labelledby="deadlines-title">
      <h2 id="deadlines-title">{t('config.dl.title')}</h2>
      <p class="muted">{t('config.dl.intro')}</p>
      <EditorForm id="deadlines-editor" checker={save.checker} onCheck={check}>
        <div class="config-row">
          {DEADLINES.map((key) => (
            <CodeInput
              key={key}
              id={`dl-${key}`}
              label={t(`config.dl.${key}`)}
              hint={t('config.dl.defaultHint')}
              value={values[key]}
              numeric
              onInput={(value) => {
                setValues({ ...values, [key]: value });
                save.touched();
              }}
              error={save.shown[`dl-${key}`]}
            />
          ))}
        </div>
      </EditorForm>
    </section>
  );
}
