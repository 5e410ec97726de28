// The case page's panels are disclosures (<details>) that read their data when first opened, so
// that the case page stays fast and nothing is read (and recorded in the audit trail) that
// nobody looks at; once open they stay loaded, and read again when a key changes or on reload.

import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from '../components';
import { useLoad, type Loaded, type LoadOptions } from '../load';

export interface Disclosed<T> extends Loaded<T> {
  /** Whether the panel has been opened (it then keeps its data when closed again). */
  opened: boolean;
  /** Whether the panel is open from the start (the case was opened to show it). */
  startOpen: boolean;
  /** Opens the panel as if the person had. */
  open: () => void;
  onToggle: (event: Event) => void;
  details: { current: HTMLDetailsElement | null };
}

/** The panel's data, read by `load` once the panel is opened (at once with `startOpen`). */
export function useDisclosure<T>(
  load: () => Promise<T>,
  keys: readonly unknown[],
  options: Omit<LoadOptions<T>, 'enabled'> & { startOpen?: boolean } = {},
): Disclosed<T> {
  const { startOpen = false, ...loadOptions } = options;
  const details = useRef<HTMLDetailsElement>(null);
  const [opened, setOpened] = useState(startOpen);
  const loaded = useLoad(load, keys, { ...loadOptions, enabled: opened });
  return {
    ...loaded,
    opened,
    startOpen,
    open: () => {
      if (details.current) details.current.open = true;
      setOpened(true);
    },
    onToggle: (event) => setOpened((event.currentTarget as HTMLDetailsElement).open || opened),
    details,
  };
}

/** A panel: its title and what it holds on the summary line; `outside` goes after its body
 * (the dialogs it opens). */
export function Disclosure<T>({
  id,
  state,
  title,
  summary,
  outside,
  children,
}: {
  id: string;
  state: Disclosed<T>;
  title: string;
  summary: string;
  outside?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <details ref={state.details} class="card panel" id={id} open={state.startOpen || undefined} onToggle={state.onToggle}>
      <summary>
        <h2 class="panel-title">{title}</h2>
        <span class="summary-meta">{summary}</span>
      </summary>
      <div class="panel-body">{children}</div>
      {outside}
    </details>
  );
}

/** What the panel read: its failure (with a retry), loading, or the data, shown stale while it
 * is read again (`plain`: as it is). */
export function DisclosureResults<T>({
  state,
  plain,
  children,
}: {
  state: Disclosed<T>;
  plain?: boolean;
  children: (data: T) => ComponentChildren;
}) {
  if (state.error) return <ErrorNotice error={state.error} action onRetry={state.reload} />;
  if (state.data === null) return state.opened ? <Loading /> : null;
  if (plain) return <>{children(state.data)}</>;
  return (
    <div class={`results${state.loading ? ' stale' : ''}`} aria-busy={state.loading}>
      {children(state.data)}
    </div>
  );
}
