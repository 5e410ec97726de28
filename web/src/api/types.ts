// The API's request and response types, written by hand from docs/API.md.
//
// Later these will be generated from the server's OpenAPI document
// (GET /api/v1/openapi.json); keep every API type in this one file so that the generated
// file can replace it wholesale. Nothing outside src/api/ declares API shapes.

// ---------------------------------------------------------------------------------------------
// Errors (RFC 9457 problem details)

/** The problem types the server answers with, as `urn:caseward:problem:<name>`. */
export type ProblemName =
  | 'validation'
  | 'bad-request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'internal'
  | 'unavailable';

/** One failing field: `field` is a path such as `date_of_birth` or `family_members[1].age`. */
export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** `application/problem+json` body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

// ---------------------------------------------------------------------------------------------
// Users and sessions

export type Role = 'case_worker' | 'supervisor' | 'programme_manager' | 'system_administrator';

export interface User {
  id: string;
  username: string;
  display_name: string;
  role: Role;
}

/** The user a case is assigned to, as carried in `Case.assigned_to`. */
export interface UserSummary {
  id: string;
  username: string;
  display_name: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  user: User;
}

// ---------------------------------------------------------------------------------------------
// Field values (docs/API.md, "Field values")

/** `short_text`, `long_text`, `date` (YYYY-MM-DD), `date_time` (RFC 3339), `single_select`
 * (option id), `location` (location code): string. `number`: number. `yes_no`: boolean.
 * `multi_select`: option ids. `repeating_group`: one object per entry. */
export type FieldValue = string | number | boolean | string[] | GroupItem[];

/** One entry of a repeating group: member field ids to values. */
export interface GroupItem {
  [fieldId: string]: FieldValue;
}

/** A case's fields; an absent key means no value. */
export interface CaseFields {
  [fieldId: string]: FieldValue;
}

/** The fields an update changes; `null` clears a field. */
export interface FieldChanges {
  [fieldId: string]: FieldValue | null;
}

// ---------------------------------------------------------------------------------------------
// Cases

/** Case intensity, which weighs a case in a worker's caseload: 1 low, 2 medium, 3 high. */
export type Intensity = 1 | 2 | 3;

/** A row of `GET /api/v1/cases`: a case without its fields. */
export interface CaseSummary {
  id: string;
  case_number: string;
  case_type: string;
  stage: string;
  intensity: Intensity;
  assigned_to: UserSummary;
  version: number;
  config_version: number;
  created_at: string;
  updated_at: string;
}

export interface Case extends CaseSummary {
  fields: CaseFields;
}

export interface CaseListQuery {
  case_type?: string;
  stage?: string;
  /** Case number, whole or prefix. */
  q?: string;
  page?: number;
  per_page?: number;
}

/** One page of `GET /api/v1/cases`. */
export interface CasePage {
  items: CaseSummary[];
  page: number;
  per_page: number;
  total: number;
}

export interface CreateCaseRequest {
  case_type: string;
  intensity?: Intensity;
  fields: CaseFields;
}

export interface UpdateCaseRequest {
  /** The version the change is based on; a stale one gets 409. */
  version: number;
  fields: FieldChanges;
}

// ---------------------------------------------------------------------------------------------
// Configuration (GET /api/v1/config)

/** A text keyed by language code (`en`, `fr`, `ar`). */
export interface Translations {
  [language: string]: string;
}

export interface Languages {
  default: string;
  available: string[];
  right_to_left: string[];
}

export interface Stage {
  id: string;
  label: Translations;
  /** Active case management has ended (closed, transferred). */
  terminal: boolean;
}

export interface OptionItem {
  id: string;
  label: Translations;
}

export interface OptionList {
  id: string;
  label: Translations;
  options: OptionItem[];
}

export type LocationLevel = 'region' | 'district' | 'village';

export interface Location {
  code: string;
  name: Translations;
  level: LocationLevel;
  parent: string | null;
}

export interface ClosureReason {
  id: string;
  label: Translations;
}

export type Classification = 'standard' | 'restricted' | 'confidential';

export type FieldType =
  | 'short_text'
  | 'long_text'
  | 'number'
  | 'date'
  | 'date_time'
  | 'yes_no'
  | 'single_select'
  | 'multi_select'
  | 'location'
  | 'repeating_group';

interface FieldBase {
  id: string;
  label: Translations;
  help: Translations;
  required: boolean;
  classification: Classification;
  /** May be stored in plaintext for aggregate reports. */
  report_dimension: boolean;
}

export interface ShortTextField extends FieldBase {
  type: 'short_text';
  min_length?: number | null;
  max_length?: number | null;
  pattern?: string | null;
}

export interface LongTextField extends FieldBase {
  type: 'long_text';
  min_length?: number | null;
  max_length?: number | null;
}

export interface NumberField extends FieldBase {
  type: 'number';
  min?: number | null;
  max?: number | null;
  integer?: boolean | null;
}

export interface DateField extends FieldBase {
  type: 'date';
  not_in_future?: boolean | null;
}

export interface DateTimeField extends FieldBase {
  type: 'date_time';
  not_in_future?: boolean | null;
}

export interface YesNoField extends FieldBase {
  type: 'yes_no';
}

export interface SingleSelectField extends FieldBase {
  type: 'single_select';
  option_list: string;
}

export interface MultiSelectField extends FieldBase {
  type: 'multi_select';
  option_list: string;
  max_choices?: number | null;
}

export interface LocationField extends FieldBase {
  type: 'location';
  /** The most specific level the value must reach. */
  min_level?: LocationLevel | null;
}

export interface RepeatingGroupField extends FieldBase {
  type: 'repeating_group';
  min_items?: number | null;
  max_items?: number | null;
  fields: Field[];
}

export type Field =
  | ShortTextField
  | LongTextField
  | NumberField
  | DateField
  | DateTimeField
  | YesNoField
  | SingleSelectField
  | MultiSelectField
  | LocationField
  | RepeatingGroupField;

export interface Section {
  id: string;
  label: Translations;
  /** The stage at which the section is collected; null means at every stage. */
  stage: string | null;
  fields: Field[];
}

export interface CaseType {
  id: string;
  /** Upper-case code used in case numbers, e.g. `CP`. */
  code: string;
  name: Translations;
  domain: string;
  default_intensity: Intensity;
  recommended_caseload: number;
  maximum_caseload: number;
  review_frequency_days: number;
  /** Stage ids of this case type; a new case starts in the first. */
  stages: string[];
  sections: Section[];
}

export interface Config {
  version: number;
  languages: Languages;
  stages: Stage[];
  option_lists: OptionList[];
  locations: Location[];
  closure_reasons: ClosureReason[];
  case_types: CaseType[];
}

// ---------------------------------------------------------------------------------------------
// Health

export interface Health {
  status: string;
}
