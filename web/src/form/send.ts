// What the form sends: the values of a new case, or what changed in an existing one, as the
// server's rules take them (docs/API.md, `GET /api/v1/config`: `retired` and `show_when`): a
// field not asked sends no value (a value it held is cleared), a retired field never takes a new
// one, and an entry of a repeating group that changed keeps nothing retired.

import type { CaseFields, CaseType, Config, Field, FieldChanges, FieldValue, GroupItem } from '../api';
import {
  chosenIds,
  formFields,
  hiddenFrom,
  isAsked,
  membersOf,
  NOTHING_WITHHELD,
  optionsOf,
  sectionsAt,
  toApi,
  unwritable,
  type Draft,
  type Drafts,
  type LocalProblem,
  type Row,
  type Withheld,
} from './model';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A repeating group's entries as sent: each without the members its skip logic leaves out;
 * an entry that is not one the case already holds (`held`) also without retired members, and
 * a retired option chosen in it is a problem (the server takes none in a changed entry). */
function groupValue(
  config: Config,
  field: Field,
  draft: Draft | undefined,
  path: string,
  held: readonly GroupItem[],
  problems: LocalProblem[],
): FieldValue | undefined {
  if (!Array.isArray(draft) || draft.length === 0) return undefined;
  const members = membersOf(field);
  return (draft as Row[]).map((row, index) => {
    const item: GroupItem = {};
    for (const member of members) {
      if (!isAsked(member, members, row.values)) continue;
      const value = toApi(member, row.values[member.id], `${path}[${index}].${member.id}`, problems);
      if (value !== undefined) item[member.id] = value;
    }
    if (held.some((old) => same(old, item))) return item;
    for (const member of members) {
      if (member.retired) {
        delete item[member.id];
        continue;
      }
      const retired = optionsOf(config, member.option_list).filter((o) => o.retired).map((o) => o.id);
      if (chosenIds(item[member.id]).some((id) => retired.includes(id))) {
        problems.push({ field: `${path}[${index}].${member.id}`, code: 'retired_option' });
      }
    }
    return item;
  });
}

/**
 * What changed between the drafts the page started from (`before`, the values the case holds)
 * and the current ones (`after`): the new value of each changed field of the sections collected
 * at `stage`, `null` for a cleared one, and `null` for any field (of any section) that is no
 * longer asked but held a value. Comparing API values made by the same conversion keeps
 * round-trip differences (seconds of a date_time, say) from counting. Fields the user may not
 * write (see `Withheld`) are never part of it; a retired field only ever is to be cleared.
 */
export function changes(
  config: Config,
  caseType: CaseType,
  stage: string,
  before: Drafts,
  after: Drafts,
  withheld: Withheld = NOTHING_WITHHELD,
): { fields: FieldChanges; problems: LocalProblem[] } {
  const fields: FieldChanges = {};
  const problems: LocalProblem[] = [];
  const all = formFields(caseType);
  const editable = new Set(sectionsAt(caseType, stage).flatMap((s) => s.fields.map((f) => f.id)));
  const unknown = hiddenFrom(withheld, all);
  for (const field of all) {
    if (unwritable(withheld, field)) continue;
    const old = toApi(field, before[field.id], field.id, []);
    if (!isAsked(field, all, after, unknown)) {
      if (old !== undefined) fields[field.id] = null;
      continue;
    }
    if (!editable.has(field.id)) continue;
    const now =
      field.type === 'repeating_group'
        ? groupValue(config, field, after[field.id], field.id, Array.isArray(old) ? (old as GroupItem[]) : [], problems)
        : toApi(field, after[field.id], field.id, problems);
    if (field.retired && now !== undefined) continue;
    if (!same(old, now)) fields[field.id] = now === undefined ? null : now;
  }
  return { fields, problems };
}

/** The values of a new case: what it would change in an empty one. */
export function collect(
  config: Config,
  caseType: CaseType,
  stage: string,
  drafts: Drafts,
): { fields: CaseFields; problems: LocalProblem[] } {
  const { fields: changed, problems } = changes(config, caseType, stage, {}, drafts);
  const fields: CaseFields = {};
  for (const [id, value] of Object.entries(changed)) if (value !== null) fields[id] = value;
  return { fields, problems };
}
