// The configuration editors (roles with `configure_workflow`, such as programme managers): case
// types and their forms, stages and transitions, option lists and closure reasons, the calendar
// and deadlines, custom roles, and the history of versions. Every save makes a new version, in
// force at once: the page then reads the entities again and the app its configuration, so forms
// use the new version without a page reload.

import { useMemo } from 'preact/hooks';
import { api, type Config, type ConfigVersion } from '../../api';
import { ErrorNotice, Loading, PageTitle, SuccessNotice, useNotice } from '../../components';
import { formatNumber, t } from '../../i18n';
import { useLoad } from '../../load';
import { CONFIG_PARTS, href, type ConfigPart } from '../../router';
import { CalendarPart } from './Calendar';
import { CaseTypesPart } from './CaseTypes';
import { ConfigContext, type ConfigEditing } from './context';
import { HistoryPart } from './History';
import { ListsPart } from './Lists';
import { languagesOf } from './model';
import { RolesPart } from './Roles';
import { WorkflowPart } from './Workflow';

const PART_LABEL: Record<ConfigPart, Parameters<typeof t>[0]> = {
  'case-types': 'config.partCaseTypes',
  workflow: 'config.partWorkflow',
  lists: 'config.partLists',
  calendar: 'config.partCalendar',
  roles: 'config.partRoles',
  history: 'config.partHistory',
};

export function ConfigurationPage({
  config,
  part,
  params,
  onConfigChanged,
}: {
  config: Config;
  part: ConfigPart;
  params: URLSearchParams;
  onConfigChanged: () => Promise<void>;
}) {
  const entities = useLoad(() => api.configEntities(), []);
  const notice = useNotice('config-saved');

  const editing = useMemo<ConfigEditing | null>(() => {
    const data = entities.data;
    if (!data) return null;
    return {
      entities: data,
      config,
      languages: languagesOf(data),
      saved: async (version: ConfigVersion) => {
        // The entities are read again before the notice: the next change is based on the
        // version just saved (a check made sooner would be refused as based on the old one).
        try {
          entities.setData(await api.configEntities());
        } catch {
          entities.reload();
        }
        notice.show(t('config.saved', { n: formatNumber(version.version) }));
        try {
          await onConfigChanged();
        } catch {
          // The version is saved and in force on the server; the app reads it at its next start.
        }
      },
      reload: entities.reload,
    };
  }, [entities.data, config]);

  const link = (p: ConfigPart) => {
    const kept = new URLSearchParams();
    const caseType = params.get('case_type');
    if (caseType && (p === 'case-types' || p === 'workflow')) kept.set('case_type', caseType);
    return href({ name: 'configuration', part: p, params: kept });
  };

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('config.title')} />
      </div>
      <p class="muted">
        {entities.data ? t('config.intro', { n: formatNumber(entities.data.version) }) : t('config.introLoading')}
      </p>
      <nav class="subnav" aria-label={t('config.parts')}>
        <ul>
          {CONFIG_PARTS.map((p) => (
            <li key={p}>
              <a href={link(p)} id={`config-part-${p}`} aria-current={p === part ? 'page' : undefined}>
                {t(PART_LABEL[p])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <SuccessNotice id="config-saved" text={notice.text} />
      {entities.error ? (
        <ErrorNotice error={entities.error} action onRetry={entities.reload} />
      ) : !editing ? (
        <Loading />
      ) : (
        <ConfigContext.Provider value={editing}>
          {part === 'case-types' ? (
            <CaseTypesPart params={params} />
          ) : part === 'workflow' ? (
            <WorkflowPart params={params} />
          ) : part === 'lists' ? (
            <ListsPart />
          ) : part === 'calendar' ? (
            <CalendarPart />
          ) : part === 'roles' ? (
            <RolesPart />
          ) : (
            <HistoryPart />
          )}
        </ConfigContext.Provider>
      )}
    </>
  );
}
