// Pick a person by typing part of their name or username (ARIA 1.2 combobox with a list box).
// Arrow keys move through the matches, Enter picks, Escape closes the list; a click or tap
// picks too. Editing the text after a pick clears the pick, so what is shown is what is sent.
// Each person shows the agency they work for, where the list says (directory entries, users).

import { useState } from 'preact/hooks';
import type { AgencyRef, UserRef } from './api';
import { HintAndError, Required } from './dialog';
import { t } from './i18n';

const MAX_SHOWN = 8;

/** Lower case without accents, so "eloise" finds "Éloïse". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

export function personName(user: UserRef): string {
  return `${user.display_name} (${user.username})`;
}

/** A person on offer: a user, with the agency they work for when the list knows it. */
export type PickablePerson = UserRef & { agency?: AgencyRef | null };

export function UserPicker({
  id,
  label,
  users,
  value,
  onChange,
  error,
  hint,
  required,
}: {
  id: string;
  label: string;
  users: PickablePerson[];
  value: UserRef | null;
  onChange: (user: PickablePerson | null) => void;
  error?: string | undefined;
  hint?: string | undefined;
  required?: boolean;
}) {
  const [text, setText] = useState(value ? personName(value) : '');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = `${id}--list`;
  const wanted = fold(text.trim());
  const matches = (value && text === personName(value) ? users : users.filter((u) => fold(`${u.display_name} ${u.username}`).includes(wanted))).slice(
    0,
    MAX_SHOWN,
  );
  const expanded = open && matches.length > 0;
  const activeIndex = Math.min(active, matches.length - 1);

  const pick = (user: PickablePerson) => {
    onChange(user);
    setText(personName(user));
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive((n) => (matches.length ? (n + 1) % matches.length : 0));
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (!open) setOpen(true);
        else setActive((n) => (matches.length ? (n - 1 + matches.length) % matches.length : 0));
        break;
      case 'Enter': {
        const chosen = matches[activeIndex];
        if (expanded && chosen) {
          e.preventDefault();
          pick(chosen);
        }
        break;
      }
      case 'Escape':
        if (open) {
          // Close the list, not the dialog around it.
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
        }
        break;
    }
  };

  const described = [hint ? `${id}--help` : '', error ? `${id}--error` : '', `${id}--count`].filter(Boolean).join(' ');
  return (
    <div class={`field picker${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {required && <Required />}
      </label>
      <HintAndError id={id} hint={hint ?? t('picker.hint')} error={error} />
      <div class="picker-box">
        <input
          id={id}
          type="text"
          role="combobox"
          dir="auto"
          autoComplete="off"
          spellcheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded ? 'true' : 'false'}
          aria-controls={listId}
          aria-activedescendant={expanded ? `${id}--opt-${activeIndex}` : undefined}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={described}
          aria-required={required ? 'true' : undefined}
          value={text}
          onInput={(e) => {
            setText((e.currentTarget as HTMLInputElement).value);
            setActive(0);
            setOpen(true);
            if (value) onChange(null);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} role="listbox" class="picker-list" aria-label={label} hidden={!expanded}>
          {matches.map((user, index) => (
            <li
              key={user.id}
              id={`${id}--opt-${index}`}
              role="option"
              aria-selected={index === activeIndex ? 'true' : 'false'}
              class={index === activeIndex ? 'active' : undefined}
              // Keep focus in the input: the pick happens before the blur would close the list.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(user);
              }}
            >
              <span class="picker-name">{user.display_name}</span> <span class="picker-username" dir="ltr">{user.username}</span>
              {user.agency && (
                <>
                  {' '}
                  <span class="picker-agency">
                    · <bdi>{user.agency.name}</bdi>
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      <p class="sr-only" id={`${id}--count`} aria-live="polite">
        {open && wanted && !value ? (matches.length ? t('picker.count', { n: matches.length }) : t('picker.none')) : ''}
      </p>
      {open && wanted && !value && matches.length === 0 && (
        <p class="hint" aria-hidden="true">
          {t('picker.none')}
        </p>
      )}
    </div>
  );
}
