// Stages and transitions: the instance's stages (every case type picks its own from them) and a
// case type's moves between its stages, with their guards.

import { useState } from 'preact/hooks';
import type { TransitionEntity } from '../../api';
import { formatNumber, t } from '../../i18n';
import { CaseTypePicker, chosenCaseType } from './CaseTypes';
import { useEditing } from './context';
import { named } from './model';
import { RemoveDialog } from './RemoveDialog';
import { StageDialog } from './StageDialog';
import { TransitionDialog } from './TransitionDialog';

type Open =
  | { kind: 'stage'; id: string | null }
  | { kind: 'remove-stage'; id: string }
  | { kind: 'transition'; transition: TransitionEntity | null }
  | { kind: 'remove-transition'; transition: TransitionEntity };

export function WorkflowPart({ params }: { params: URLSearchParams }) {
  const { entities } = useEditing();
  const [open, setOpen] = useState<Open | null>(null);
  const caseType = chosenCaseType(entities, params);
  const stageName = (id: string) => (id === '*' ? t('config.tr.any') : named(entities.stages.find((s) => s.id === id)?.label, id));
  const close = () => setOpen(null);
  const usedBy = (id: string) => entities.case_types.filter((c) => c.case_type.stages.includes(id)).map((c) => named(c.case_type.name, c.case_type.id));

  return (
    <>
      <section class="card" aria-labelledby="stages-title">
        <div class="team-head">
          <h2 id="stages-title">{t('config.stages')}</h2>
          <button type="button" class="button primary" id="stage-add" onClick={() => setOpen({ kind: 'stage', id: null })}>
            + {t('config.addStage')}
          </button>
        </div>
        <p class="muted">{t('config.stagesIntro')}</p>
        <table class="cases data-table config-table" id="stages-table">
          <caption class="sr-only">{t('config.stages')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('config.stage.label')}</th>
              <th scope="col">{t('config.id')}</th>
              <th scope="col">{t('config.notes')}</th>
              <th scope="col">{t('config.stage.usedBy')}</th>
              <th scope="col">
                <span class="sr-only">{t('users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entities.stages.map((stage) => {
              const name = named(stage.label, stage.id);
              const limit = stage.limit;
              const notes = [
                stage.terminal ? t('config.stage.terminal') : '',
                stage.follow_up ? t('config.stage.follow_up') : '',
                stage.review ? t('config.stage.review') : '',
                limit?.working_days ? t('config.stage.limitWorking', { n: formatNumber(limit.working_days) }) : '',
                limit?.days ? t('config.stage.limitDays', { n: formatNumber(limit.days) }) : '',
                limit?.emergency_hours ? t('config.stage.limitHours', { n: formatNumber(limit.emergency_hours) }) : '',
              ].filter(Boolean);
              const users = usedBy(stage.id);
              return (
                <tr key={stage.id} id={`stage-row-${stage.id}`}>
                  <th scope="row" data-label={t('config.stage.label')}>
                    {name}
                  </th>
                  <td data-label={t('config.id')}>
                    <bdi dir="ltr">{stage.id}</bdi>
                  </td>
                  <td data-label={t('config.notes')}>{notes.join(' · ') || t('common.none')}</td>
                  <td data-label={t('config.stage.usedBy')}>{users.join(', ') || t('common.none')}</td>
                  <td data-label={t('users.actions')}>
                    <span class="button-row">
                      <button type="button" class="button secondary small" id={`stage-${stage.id}-edit`} onClick={() => setOpen({ kind: 'stage', id: stage.id })}>
                        {t('config.edit')}
                        <span class="sr-only"> {name}</span>
                      </button>
                      <button type="button" class="button link danger" onClick={() => setOpen({ kind: 'remove-stage', id: stage.id })}>
                        {t('config.remove')}
                        <span class="sr-only"> {name}</span>
                      </button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {caseType && (
        <section class="card" aria-labelledby="transitions-title">
          <div class="team-head">
            <h2 id="transitions-title">{t('config.transitions')}</h2>
            <button type="button" class="button primary" id="transition-add" onClick={() => setOpen({ kind: 'transition', transition: null })}>
              + {t('config.addTransition')}
            </button>
          </div>
          <CaseTypePicker part="workflow" caseType={caseType} />
          <p class="muted">
            {t('config.transitionsIntro', { stages: caseType.case_type.stages.map(stageName).join(' → ') })}
          </p>
          <table class="cases data-table config-table" id="transitions-table">
            <caption class="sr-only">{t('config.transitionsOf', { caseType: named(caseType.case_type.name, caseType.case_type.id) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('config.tr.from')}</th>
                <th scope="col">{t('config.tr.to')}</th>
                <th scope="col">{t('config.tr.label')}</th>
                <th scope="col">{t('config.tr.guards')}</th>
                <th scope="col">
                  <span class="sr-only">{t('users.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {caseType.transitions.map((tr, index) => {
                const move = `${tr.from.map(stageName).join(', ')} → ${stageName(tr.to)}`;
                const guards = [
                  tr.reason ? t('config.tr.reason') : '',
                  tr.survivor_decision ? t('config.tr.survivor_decision') : '',
                  tr.approved_care_plan ? t('config.tr.approved_care_plan') : '',
                  tr.panel_review ? t('config.tr.panel_review') : '',
                  tr.require?.length ? t('config.tr.requireCount', { n: tr.require.length }) : '',
                  tr.require_value && Object.keys(tr.require_value).length ? t('config.tr.valueCount', { n: Object.keys(tr.require_value).length }) : '',
                ].filter(Boolean);
                return (
                  <tr key={index} id={`transition-row-${tr.from.join('-').replace('*', 'any')}-${tr.to}`}>
                    <td data-label={t('config.tr.from')}>{tr.from.map(stageName).join(', ')}</td>
                    <td data-label={t('config.tr.to')}>{stageName(tr.to)}</td>
                    <th scope="row" data-label={t('config.tr.label')}>
                      {named(tr.label, '—')}
                    </th>
                    <td data-label={t('config.tr.guards')}>{guards.join(' · ') || t('common.none')}</td>
                    <td data-label={t('users.actions')}>
                      <span class="button-row">
                        <button type="button" class="button secondary small" onClick={() => setOpen({ kind: 'transition', transition: tr })}>
                          {t('config.edit')}
                          <span class="sr-only"> {move}</span>
                        </button>
                        <button type="button" class="button link danger" onClick={() => setOpen({ kind: 'remove-transition', transition: tr })}>
                          {t('config.remove')}
                          <span class="sr-only"> {move}</span>
                        </button>
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}

      {open?.kind === 'stage' && <StageDialog stageId={open.id} onClose={close} />}
      {open?.kind === 'remove-stage' && (
        <RemoveDialog
          title={t('config.removeStageTitle', { stage: stageName(open.id) })}
          warning={t('config.removeStageWarning')}
          changes={[{ op: 'remove', entity: { kind: 'stage', id: open.id } }]}
          onClose={close}
        />
      )}
      {open?.kind === 'transition' && caseType && <TransitionDialog caseType={caseType} original={open.transition} onClose={close} />}
      {open?.kind === 'remove-transition' && caseType && (
        <RemoveDialog
          title={t('config.tr.removeTitle', { from: open.transition.from.map(stageName).join(', '), to: stageName(open.transition.to) })}
          warning={t('config.tr.removeWarning')}
          changes={[
            {
              op: 'remove',
              entity: { kind: 'transition', case_type: caseType.case_type.id, from: open.transition.from, to: open.transition.to },
            },
          ]}
          onClose={close}
        />
      )}
    </>
  );
}
