// The configuration editors are used by few people, rarely: their code is fetched the first time
// one opens them (a separate chunk), so everyone else's first load stays small.

import { useEffect, useState } from 'preact/hooks';
import type { Config } from '../api';
import { ErrorNotice, Loading } from '../components';
import type { ConfigPart } from '../router';

type Module = typeof import('./config/ConfigurationPage');

let loaded: Module | null = null;

export function ConfigurationLoader(props: {
  config: Config;
  part: ConfigPart;
  params: URLSearchParams;
  onConfigChanged: () => Promise<void>;
}) {
  const [module, setModule] = useState<Module | null>(loaded);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (module) return;
    let live = true;
    setError(null);
    import('./config/ConfigurationPage')
      .then((m) => {
        loaded = m;
        if (live) setModule(m);
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [attempt]);
  if (error) return <ErrorNotice error={error} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!module) return <Loading />;
  const { ConfigurationPage } = module;
  return <ConfigurationPage {...props} />;
}
