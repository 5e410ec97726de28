// Stages and transitions: the instance's stages (every case type picks its own from them) and a
// case type's moves between its stages, with their guards.

import { useState } from 'preact/hooks';
import type { TransitionEntity } from '../../api';
import { formatNumber, t } from '../../i18n';
import { CaseTypePicker, chosenCaseType } from './CaseTypes';
import { useEditing } from './context';
import { named } from './model';
import { ConfigTable, PartCard, RowActions } from './parts';
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
      <PartCard
        id="stages"
        title={t('config.stages')}
        addId="stage-add"
        addLabel={t('config.addStage')}
        onAdd={() => setOpen({ kind: 'stage', id: null })}
      >
        <p class="muted">{t('config.stagesIntro')}</p>
        <ConfigTable
          id="stages-table"
          caption={t('config.stages')}
          columns={[t('config.stage.label'), t('config.id'), t('config.notes'), t('config.stage.usedBy')]}
        >
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
                  <RowActions
                    name={name}
                    editId={`stage-${stage.id}-edit`}
                    onEdit={() => setOpen({ kind: 'stage', id: stage.id })}
                    onRemove={() => setOpen({ kind: 'remove-stage', id: stage.id })}
                  />
                </td>
              </tr>
            );
          })}
        </ConfigTable>
      </PartCard>

      {caseType && (
        <PartCard
          id="transitions"
          title={t('config.transitions')}
          addId="transition-add"
          addLabel={t('config.addTransition')}
          onAdd={() => setOpen({ kind: 'transition', transition: null })}
        >
          <CaseTypePicker part="workflow" caseType={caseType} />
          <p class="muted">
            {t('config.transitionsIntro', { stages: caseType.case_type.stages.map(stageName).join(' → ') })}
          </p>
          <ConfigTable
            id="transitions-table"
            caption={t('config.transitionsOf', { caseType: named(caseType.case_type.name, caseType.case_type.id) })}
            columns={[t('config.tr.from'), t('config.tr.to'), t('config.tr.label'), t('config.tr.guards')]}
          >
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
                    <RowActions
                      name={move}
                      onEdit={() => setOpen({ kind: 'transition', transition: tr })}
                      onRemove={() => setOpen({ kind: 'remove-transition', transition: tr })}
                    />
                  </td>
                </tr>
              );
            })}
          </ConfigTable>
        </PartCard>
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
