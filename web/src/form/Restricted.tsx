// "[Restricted]": a value that exists but is withheld from the signed-in user. It can take
// focus, and on hover or focus says why (a tooltip that Escape dismisses, WCAG 1.4.13); screen
// readers get the same words as its description.

import { useState } from 'preact/hooks';
import type { Field } from '../api';
import { label, t } from '../i18n';
import { domId } from './model';

export function RestrictedValue({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  return (
    <span class="restricted" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}>
      <span
        id={id}
        class="restricted-value"
        tabIndex={0}
        aria-describedby={`${id}--why`}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && open) {
            e.stopPropagation();
            setOpen(false);
          }
        }}
      >
        <span class="lock-icon" aria-hidden="true" />
        {t('form.restricted')}
      </span>
      <span role="tooltip" id={`${id}--why`} class="restricted-why" hidden={!open}>
        {t('form.restrictedWhy')}
      </span>
    </span>
  );
}

/** In a form, in place of a field's input. */
export function RestrictedField({ field, path }: { field: Field; path: string }) {
  const id = domId(path);
  return (
    <div class="field restricted-field" data-path={path} role="group" aria-labelledby={`${id}--label`}>
      <span class="field-label" id={`${id}--label`}>
        {label(field.label)}
      </span>
      <RestrictedValue id={id} />
    </div>
  );
}

/** In a form, a field the user may never see or fill in (confidential, not their case). */
export function LockedField({ field, path }: { field: Field; path: string }) {
  const id = domId(path);
  return (
    <div class="field locked-field" data-path={path} role="group" aria-labelledby={`${id}--label`}>
      <span class="field-label" id={`${id}--label`}>
        {label(field.label)}
      </span>
      <p class="muted locked-note" id={id}>
        <span class="lock-icon" aria-hidden="true" /> {t('form.lockedField')}
      </p>
    </div>
  );
}
