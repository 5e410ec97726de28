// The signed-in person's menu in the top bar: who they are, their Security page, signing out.
// A disclosure (a button that shows and hides a short list of ordinary links and buttons), so
// it needs no menu keyboard model: Tab moves through it, Escape closes it.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { User } from './api';
import { t } from './i18n';
import { href, type Route } from './router';

export function UserMenu({ user, route, onSignOut }: { user: User; route: Route; onSignOut: () => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const outside = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  // Choosing a page closes the menu.
  useEffect(() => setOpen(false), [route.name]);

  return (
    <div
      class="user-menu"
      ref={root}
      onFocusOut={(e) => {
        const next = e.relatedTarget;
        if (next instanceof Node && !root.current?.contains(next)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        id="user-menu-button"
        class="button secondary small user-menu-button"
        aria-expanded={open}
        aria-controls="user-menu"
        title={t('header.signedInAs', { name: user.display_name })}
        onClick={() => setOpen(!open)}
      >
        <span class="user-menu-name">{user.display_name}</span>
        <span class="sr-only"> — {t('header.account')}</span>
        <span class="user-menu-caret" aria-hidden="true" />
      </button>
      <div id="user-menu" class="user-menu-panel" hidden={!open}>
        <p class="user-menu-who">
          {t('header.signedInAs', { name: user.display_name })} <bdi dir="ltr">({user.username})</bdi>
        </p>
        <ul>
          <li>
            <a href={href({ name: 'security' })} id="security-link" aria-current={route.name === 'security' ? 'page' : undefined} onClick={() => setOpen(false)}>
              {t('security.title')}
            </a>
          </li>
          <li>
            <button type="button" class="button link" onClick={onSignOut}>
              {t('header.logout')}
            </button>
          </li>
        </ul>
      </div>
    </div>
  );
}
