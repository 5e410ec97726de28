// What the configuration page gives its editors: the newest version's entities, the app's
// configuration (for previews), the instance's languages, and what to do once a version is saved
// or another was made meanwhile.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Config, ConfigEntities, ConfigVersion } from '../../api';
import type { Languages } from './model';

export interface ConfigEditing {
  entities: ConfigEntities;
  config: Config;
  languages: Languages;
  /** A new version is in force: read the entities and the app's configuration again, and say so. */
  saved: (version: ConfigVersion) => Promise<void>;
  /** Another version was made since the entities were read: read them again. */
  reload: () => void;
}

export const ConfigContext = createContext<ConfigEditing | null>(null);

export function useEditing(): ConfigEditing {
  const value = useContext(ConfigContext);
  if (!value) throw new Error('a configuration editor outside the configuration page');
  return value;
}
