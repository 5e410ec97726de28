// The Approvals page (roles with `approve_care_plans`): the cases of the teams the person
// supervises whose newest care plan waits for their decision, the longest waiting first. A case
// opened from here shows its care plan at once, to approve or return.

import { api, type Config } from '../api';
import { CaseTable } from '../caseTable';
import { ErrorNotice, Loading, PageTitle, RefreshButton } from '../components';
import { formatNumber, t } from '../i18n';
import { useLoad } from '../load';
import { rememberCarePlanReview } from '../state';

export function ApprovalsPage({ config }: { config: Config }) {
  const approvals = useLoad(() => api.approvals(), []);
  const { data: queue, error, loading } = approvals;

  const items = queue?.items ?? [];
  const total = queue?.total ?? items.length;

  return (
    <>
      <div class="page-head">
        <PageTitle text={t('approvals.title')} />
      </div>
      <p class="muted" id="approvals-intro">
        {t('approvals.intro')}
      </p>
      {error ? (
        <ErrorNotice error={error} onRetry={approvals.reload} />
      ) : loading && !queue ? (
        <Loading />
      ) : items.length === 0 ? (
        <p class="empty card" id="approvals-empty">
          {t('approvals.empty')}
        </p>
      ) : (
        <div class={`results${loading ? ' stale' : ''}`} aria-busy={loading}>
          <p class="muted count" role="status">
            {total === 1 ? t('approvals.countOne') : t('approvals.count', { n: formatNumber(total) })}
          </p>
          <CaseTable
            config={config}
            cases={items}
            columns={['type', 'stage', 'assigned', 'updated']}
            id="approvals-table"
            caption={t('approvals.caption')}
            onOpen={(c) => rememberCarePlanReview(c.id)}
          />
        </div>
      )}
      {!error && queue && (
        <p class="button-row">
          <RefreshButton id="approvals-refresh" busy={loading} onRefresh={approvals.reload}>
            {t('approvals.refresh')}
          </RefreshButton>
        </p>
      )}
    </>
  );
}
