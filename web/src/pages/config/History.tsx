// The configuration's history, newest first: who made each version, when, how (first set-up,
// command-line import, an edit here, a restoration) and what it changed. An earlier version can
// be made the newest again (a new version: history is never rewritten), after a check that
// shows what that would change and whether existing cases allow it.

import { useState } from 'preact/hooks';
import { api, type ConfigVersion } from '../../api';
import { ErrorNotice, Loading } from '../../components';
import { Dialog } from '../../dialog';
import { formatDateTime, formatNumber, t } from '../../i18n';
import { useLoad } from '../../load';
import { useEditing } from './context';
import { ChangeLines, EditorForm, useChecker, type Action } from './Review';

const SOURCES = ['initial', 'import', 'edit', 'restore'] as const;

function sourceLabel(version: ConfigVersion): string {
  const source = (SOURCES as readonly string[]).includes(version.source) ? (version.source as (typeof SOURCES)[number]) : null;
  if (!source) return version.source;
  if (source === 'restore' && version.restored_from != null) return t('config.history.restoredFrom', { n: formatNumber(version.restored_from) });
  return t(`config.history.source.${source}`);
}

export function HistoryPart() {
  const { entities } = useEditing();
  const versions = useLoad(() => api.configVersions(), [entities.version]);
  const [restoring, setRestoring] = useState<ConfigVersion | null>(null);

  return (
    <section class="card" aria-labelledby="history-title">
      <h2 id="history-title">{t('config.history.title')}</h2>
      <p class="muted">{t('config.history.intro')}</p>
      {versions.error ? (
        <ErrorNotice error={versions.error} action onRetry={versions.reload} />
      ) : !versions.data ? (
        <Loading />
      ) : (
        <ol class="version-list" id="config-versions">
          {versions.data.map((version, index) => (
            <li key={version.version} class="version card" id={`config-version-${version.version}`}>
              <div class="team-head">
                <h3>
                  {t('config.history.version', { n: formatNumber(version.version) })}
                  {index === 0 && <span class="badge badge-ok">{t('config.history.current')}</span>}
                </h3>
                {index > 0 && (
                  <button
                    type="button"
                    class="button secondary small"
                    id={`config-version-${version.version}-restore`}
                    onClick={() => setRestoring(version)}
                  >
                    {t('config.history.restore')}
                    <span class="sr-only"> {t('config.history.version', { n: formatNumber(version.version) })}</span>
                  </button>
                )}
              </div>
              <p class="version-meta">
                {t('config.history.meta', {
                  when: formatDateTime(version.created_at),
                  who: version.author?.display_name ?? t('config.history.system'),
                  how: sourceLabel(version),
                })}
                {version.author && (
                  <>
                    {' '}
                    <span class="muted" dir="ltr">
                      ({version.author.username})
                    </span>
                  </>
                )}
              </p>
              {version.changes.length > 0 ? (
                <details open={index === 0}>
                  <summary>
                    {version.changes.length === 1
                      ? t('config.history.changesOne')
                      : t('config.history.changes', { n: formatNumber(version.changes.length) })}
                  </summary>
                  <ChangeLines lines={version.changes} />
                </details>
              ) : (
                <p class="muted">{t('config.history.noChanges')}</p>
              )}
            </li>
          ))}
        </ol>
      )}
      {restoring && <RestoreDialog version={restoring} onClose={() => setRestoring(null)} />}
    </section>
  );
}

const FORM = 'restore-editor';

/** Make an earlier version the newest again: checked first, saved on confirmation. */
function RestoreDialog({ version, onClose }: { version: ConfigVersion; onClose: () => void }) {
  const checker = useChecker({ container: FORM, onSaved: onClose });
  const action: Action = {
    dryRun: (basedOn) => api.checkConfigRestore(version.version, basedOn),
    apply: (basedOn) => api.restoreConfigVersion(version.version, basedOn),
  };
  return (
    <Dialog id="restore-dialog" title={t('config.history.restoreTitle', { n: formatNumber(version.version) })} onClose={onClose} wide>
      <EditorForm id={FORM} checker={checker} sticky onCheck={() => void checker.check(action)} onCancel={onClose}>
        <p>{t('config.history.restoreIntro', { n: formatNumber(version.version) })}</p>
      </EditorForm>
    </Dialog>
  );
}
