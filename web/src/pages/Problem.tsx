// Pages for a case that cannot be shown. A 404 is worded so that it does not say whether the
// case exists: the server answers 404 both for no such case and for a case the user may not
// reach, and the page must not undo that.

import { PageTitle } from '../components';
import { t } from '../i18n';
import { href, type Route } from '../router';

function BackLink({ home }: { home: Route }) {
  return (
    <p>
      <a class="button secondary" href={href(home)}>
        {home.name === 'list' ? t('problem.backToCases') : t('problem.backHome')}
      </a>
    </p>
  );
}

export function CaseNotFoundPage({ home }: { home: Route }) {
  return (
    <div class="problem-page card narrow-card" id="case-not-found">
      <PageTitle text={t('problem.notFoundTitle')} />
      <p>{t('problem.notFoundText')}</p>
      <p class="muted">{t('problem.notFoundHint')}</p>
      <BackLink home={home} />
    </div>
  );
}

export function NoAccessPage({ home, detail }: { home: Route; detail?: string | undefined }) {
  return (
    <div class="problem-page card narrow-card" id="no-access">
      <PageTitle text={t('problem.noAccessTitle')} />
      <p>{t('problem.noAccessText')}</p>
      {detail && (
        <p class="muted">
          <bdi>{detail}</bdi>
        </p>
      )}
      <BackLink home={home} />
    </div>
  );
}
