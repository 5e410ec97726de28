// The configuration's entities as the editors work on them (`GET /api/v1/config/entities`,
// `POST /api/v1/config/changes`): each one's table as the configuration files write it, in
// JSON. The OpenAPI document declares these tables as free-form objects; their keys are the
// file format's (docs of `config/`), written here by hand like the field values of types.ts.
// A key left out (or null) is absent from the file.

import type { components, operations } from './schema';
import type { Classification, FieldType, LocationLevel, Permission, Translations } from './types';

type Schemas = components['schemas'];

/** A text keyed by language code, as the files write it (`{en, fr, ar}`). */
export type Labels = Translations;

/** `[instance]`: the languages the labels are written in. */
export interface InstanceEntity {
  default_language: string;
  languages: string[];
  right_to_left?: string[];
  age_bands?: number[];
  [key: string]: unknown;
}

/** `[calendar]`: lower-case English day names and ISO dates. */
export interface CalendarEntity {
  weekend?: string[] | null;
  holidays?: string[];
}

/** `[deadlines]`: each defaults to the seed's when absent. */
export interface DeadlinesEntity {
  follow_up_days?: number | null;
  approval_working_days?: number | null;
  transfer_acknowledgement_working_days?: number | null;
  escalate_after_working_days?: number | null;
}

/** How long a case may stay at a stage: working days or calendar days, and clock hours for an
 * emergency case. */
export interface StageLimit {
  working_days?: number | null;
  days?: number | null;
  emergency_hours?: number | null;
}

export interface StageEntity {
  id: string;
  label: Labels;
  terminal?: boolean;
  follow_up?: boolean;
  review?: boolean;
  limit?: StageLimit | null;
}

export interface OptionEntity {
  id: string;
  label: Labels;
  retired?: boolean;
}

export interface OptionListEntity {
  id: string;
  label?: Labels;
  option: OptionEntity[];
}

export interface ClosureReasonEntity {
  id: string;
  label: Labels;
}

export interface RoleEntity {
  id: string;
  label: Labels;
  permissions: Permission[];
}

export interface LocationEntity {
  code: string;
  name: Labels;
  level: LocationLevel;
  parent?: string | null;
}

/** `show_when = { field, values }`: `yes`/`no` for a yes/no field, option ids for a select. */
export interface ShowWhen {
  field: string;
  values: string[];
}

export type ReportAs = 'value' | 'month' | 'year' | 'age_group';

/** A field's table (`[[section.field]]`); a repeating group's members are its `field` list. */
export interface FieldEntity {
  id: string;
  type: FieldType;
  label: Labels;
  help?: Labels | null;
  required?: boolean | null;
  classification: Classification;
  report_dimension?: boolean | null;
  report_as?: ReportAs | null;
  searchable?: boolean | null;
  retired?: boolean | null;
  show_when?: ShowWhen | null;
  min_length?: number | null;
  max_length?: number | null;
  pattern?: string | null;
  min?: number | null;
  max?: number | null;
  integer?: boolean | null;
  not_in_future?: boolean | null;
  option_list?: string | null;
  max_choices?: number | null;
  min_level?: LocationLevel | null;
  min_items?: number | null;
  max_items?: number | null;
  field?: FieldEntity[] | null;
}

export interface SectionEntity {
  id: string;
  label: Labels;
  stage?: string | null;
  field: FieldEntity[];
}

/** A case type's own attributes (`[case_type]`), without its sections and transitions. */
export interface CaseTypeEntity {
  id: string;
  code: string;
  name: Labels;
  domain: string;
  default_intensity: number;
  recommended_caseload: number;
  maximum_caseload: number;
  review_frequency_days: number;
  stages: string[];
  intervention_types?: string | null;
  emergency_field?: string | null;
  follow_up_days?: number | null;
}

/** A move between stages (`[[transition]]`): `from` is stage ids, or `["*"]` alone for every
 * stage that is not terminal. */
export interface TransitionEntity {
  from: string[];
  to: string;
  label?: Labels | null;
  reason?: boolean | null;
  survivor_decision?: boolean | null;
  require?: string[] | null;
  require_value?: Record<string, string[]> | null;
  approved_care_plan?: boolean | null;
  panel_review?: boolean | null;
}

export interface CaseTypeEntities {
  case_type: CaseTypeEntity;
  sections: SectionEntity[];
  transitions: TransitionEntity[];
}

/** `GET /api/v1/config/entities`: the newest version's entities. */
export interface ConfigEntities {
  version: number;
  instance: InstanceEntity;
  calendar?: CalendarEntity | null;
  deadlines?: DeadlinesEntity | null;
  stages: StageEntity[];
  option_lists: OptionListEntity[];
  closure_reasons: ClosureReasonEntity[];
  locations: LocationEntity[];
  roles: RoleEntity[];
  case_types: CaseTypeEntities[];
}

/** Which entity a change is about. */
export type ConfigEntityRef = Schemas['ConfigEntity'];

/** One change: put (add or replace; `after` places a new stage, option list, section or field
 * after that sibling) or remove. */
export type ConfigChange =
  | { op: 'put'; entity: ConfigEntityRef; value: object; after?: string | null }
  | { op: 'remove'; entity: ConfigEntityRef };

/** What a change (or a restoration) would do: its lines, and every error (`valid` when none);
 * `migrations`, the case types whose stored data would be recomputed. */
export type DryRun = Schemas['DryRunView'];

/** A configuration version: `source` is `initial`, `import`, `edit` or `restore`. */
export type ConfigVersion = Schemas['ConfigVersionView'];

/** Where and how an XLSForm workbook is imported (`POST /api/v1/config/xlsform`): the case
 * type it becomes the form of (made when it does not exist, with `code`), the classification of
 * questions whose row gives none, and whether to import the rest of a workbook that has
 * constructs that do not map. */
export type XlsFormQuery = NonNullable<operations['import_xlsform']['parameters']['query']>;

/** What an import would change or changed (a dry run's lines and errors), what of the workbook
 * was `skipped` (left out, by sheet, row and column), the `notices` (texts filled in from
 * another language), and the `version` made. */
export type XlsFormImport = Schemas['XlsFormView'];

/** A version with its files (`name`, `text`). */
export type ConfigVersionFiles = Schemas['ConfigVersionFilesView'];
