// The API's request and response types, under the names the app uses.
//
// Every shape the server's OpenAPI document describes comes from `schema.d.ts`, which
// `npm run gen:api` generates from `openapi.json` (the output of `caseward openapi`); neither
// file is edited by hand. Written here are only what the document cannot say precisely:
//
// - the JSON values of a case's fields (docs/API.md, "Field values"), which the document
//   declares as a free-form object;
// - closed sets of strings the app relies on (field types, classifications, location levels,
//   permissions, a login's next step, case relationships, caseload statuses, consent scopes,
//   care plan and intervention statuses, note kinds, workload statuses, alert levels, review
//   criteria and ratings), which the document types as plain `string`.
//
// Each of those replaces one member of a generated type through `Narrow`, which only accepts a
// replacement that fits the generated member: a change of the document that breaks one fails
// type-checking here. Nothing outside src/api/ declares API shapes.

import type { components, operations } from './schema';

type Schemas = components['schemas'];

/** `Base` with the members of `With` in place of its own; each must fit the member it replaces. */
type Narrow<Base, With extends { [K in keyof With]: K extends keyof Base ? Base[K] : never }> =
  Omit<Base, keyof With> & With;

// ---------------------------------------------------------------------------------------------
// Errors (RFC 9457 problem details)

/** `application/problem+json` body; `type` is `urn:caseward:problem:<name>`. */
export type Problem = Schemas['Problem'];

/** One failing field: `field` is a path such as `date_of_birth` or `family_members[1].age`. */
export type FieldProblem = Schemas['ProblemField'];

// ---------------------------------------------------------------------------------------------
// Users and sessions

/** The five roles every instance has: their permissions are fixed and the UI names them. A
 * user's `role` is a plain string: one of these, or a custom role of the configuration
 * (`Config.roles`). */
export type BuiltInRole = 'case_worker' | 'supervisor' | 'programme_manager' | 'system_administrator' | 'auditor';

/** What a role allows. The UI offers pages and actions by permission, never by role name. */
export type Permission =
  | 'hold_cases'
  | 'view_team_cases'
  | 'reassign_within_team'
  | 'override_caseload'
  | 'view_team_workload'
  | 'view_aggregate_reports'
  | 'configure_workflow'
  | 'manage_users'
  | 'manage_teams'
  | 'operate_system'
  | 'read_audit_trail'
  | 'approve_care_plans';

/** The signed-in person: `role` is any role id, `permissions` what it allows. */
export type User = Narrow<Schemas['UserView'], { permissions: Permission[] }>;

/** A user named on a case (`Case.assigned_to`, shares, grants, teams): id, username, display
 * name. */
export type UserRef = Schemas['UserRefView'];

/** The user a case is assigned to, as carried in `Case.assigned_to`. */
export type UserSummary = UserRef;

export type LoginRequest = Schemas['LoginRequest'];

/** What a login still needs after the password: absent when it is done. */
export type LoginNext = 'second_factor' | 'enrolment';

export type LoginResponse = Narrow<Schemas['LoginResponse'], { user: User; next?: LoginNext | null }>;

// ---------------------------------------------------------------------------------------------
// The second factor (TOTP and recovery codes)

/** A 6-digit code from the authenticator app, or a recovery code. */
export type CodeRequest = Schemas['CodeRequest'];

/** `POST /api/v1/auth/second-factor`: the login is complete. */
export type SecondFactorResult = Narrow<Schemas['SecondFactorView'], { user: User }>;

/** Starting an enrolment: `confirm_password` from a full session, nothing during login. */
export type EnrolRequest = Schemas['EnrolRequest'];

/** A new secret: `secret` (base32), `otpauth_uri`, `qr_svg` (an SVG document, as text). */
export type Enrolment = Schemas['EnrolmentView'];

/** The ten one-time recovery codes, shown once. */
export type RecoveryCodes = Schemas['RecoveryCodesView'];

// ---------------------------------------------------------------------------------------------
// Field values (docs/API.md, "Field values"): hand-written, the document has a free-form object

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

/** A row of `GET /api/v1/cases`: a case without its fields. */
export type CaseSummary = Schemas['CaseSummaryView'];

export type CaseRelationship = 'assigned' | 'shared' | 'supervisor';

/** A move the user may ask for from the case's stage: `label` by language; `reason` when the
 * move needs one, `survivor_decision` when it is a GBV survivor's own decision. */
export type TransitionOption = Narrow<Schemas['TransitionOption'], { label: Translations }>;

/** `Case.access`: how the signed-in user stands to the case and what they may do with it. */
export type CaseAccess = Narrow<
  Schemas['CaseAccessView'],
  { relationship: CaseRelationship; transitions: TransitionOption[] }
>;

/** A case as the signed-in user may see it: `fields` holds only what they may see, and
 * `restricted` the paths of values that exist but are withheld (`contacts[0].phone`). */
export type Case = Narrow<Schemas['CaseView'], { fields: CaseFields; access: CaseAccess }>;

/** The query of `GET /api/v1/cases`. */
export type CaseListQuery = NonNullable<operations['list_cases']['parameters']['query']>;

/** One page of `GET /api/v1/cases`. */
export type CasePage = Schemas['CasePage'];

export type CreateCaseRequest = Narrow<Schemas['CreateCaseRequest'], { fields?: CaseFields }>;

export type UpdateCaseRequest = Narrow<Schemas['UpdateCaseRequest'], { fields: FieldChanges }>;

// ---------------------------------------------------------------------------------------------
// Workflow (docs/API.md, "Workflow")

/** `POST /api/v1/cases/{id}/transitions`: the stage to move to and the case's `version`. */
export type TransitionRequest = Schemas['TransitionRequestBody'];

/** One move of the case's history (`GET /api/v1/cases/{id}/transitions`), oldest first. */
export type Transition = Schemas['TransitionView'];

// ---------------------------------------------------------------------------------------------
// Care plans (versioned; the newest is the plan in force) and the supervisor's approvals

/** `draft`, `submitted` (waiting for the supervisor), `approved` or `returned` (with a comment). */
export type CarePlanStatus = 'draft' | 'submitted' | 'approved' | 'returned';

/** How far an intervention has come; `planned` when none is given. */
export type InterventionStatus = 'planned' | 'in_progress' | 'completed' | 'delayed' | 'declined';

/** One intervention: `type` an option of the list `CarePlanList.intervention_types` names, the
 * objective, who is responsible, a target date (YYYY-MM-DD) and its status. */
export type Intervention = Narrow<Schemas['InterventionBody'], { status?: InterventionStatus | null }>;

/** One version of a case's care plan: who wrote it, and who decided on it with what comment. */
export type CarePlan = Narrow<Schemas['CarePlanView'], { status: CarePlanStatus; interventions: Intervention[] }>;

/** `GET /api/v1/cases/{id}/care-plans`: every version, oldest first (the last is in force), the
 * option list of intervention types, and whether the user may write a version or decide on one. */
export type CarePlanList = Narrow<Schemas['CarePlanList'], { versions: CarePlan[] }>;

/** A new version: `based_on` the newest version the edit started from (0 for the first plan);
 * `submit` asks for the supervisor's approval. */
export type CarePlanRequest = Narrow<Schemas['CarePlanRequest'], { interventions?: Intervention[] }>;

export type CarePlanDecision = 'approve' | 'return';

/** The supervisor's decision on the newest, submitted version (`comment` required to return). */
export type CarePlanDecisionRequest = Narrow<Schemas['CarePlanDecisionRequest'], { decision: CarePlanDecision }>;

/** `GET /api/v1/approvals`: the cases whose newest care plan waits for this supervisor. */
export type ApprovalQueue = Schemas['ApprovalQueue'];

// ---------------------------------------------------------------------------------------------
// Deadlines and alerts; the supervisor's dashboard (the seed's Figure 4)

/** The kinds of deadline the server tracks. An alert's `kind` (and an attention case's `kinds`)
 * stays a plain string: a server newer than the app may add kinds this list lacks. */
export type DeadlineKind = 'stage_too_long' | 'follow_up_overdue' | 'review_due' | 'approval_pending' | 'transfer_unacknowledged';

/** `alert` (to the case's worker) or `escalation` (to the supervisor, once a deadline stays
 * passed). */
export type AlertLevel = 'alert' | 'escalation';

/** One of the user's alerts: the case's number, the deadline passed (`kind`, and for
 * `stage_too_long` the `stage`), when it passed (`due`), and whether the user has read it. */
export type Alert = Narrow<Schemas['AlertView'], { level: AlertLevel }>;

/** `GET /api/v1/alerts`: newest first, and how many are unread. */
export type AlertList = Narrow<Schemas['AlertList'], { items: Alert[] }>;

/** Where the user's alerts are emailed (`email`, null for none) and whether the instance sends
 * email at all (`email_available`, read only). */
export type NotificationSettings = Schemas['NotificationSettings'];

/** `PUT /api/v1/me/notifications`: the address, or null to stop emails. */
export type NotificationSettingsRequest = Pick<NotificationSettings, 'email'>;

/** A worker's load of one case type against its targets. */
export type WorkloadStatus = 'within' | 'above_recommended' | 'above_maximum';

/** One case type of a worker's caseload: open cases, the intensity-weighted load, the case
 * type's recommended and maximum caseloads and where the load stands. */
export type CaseTypeLoad = Narrow<Schemas['CaseTypeLoad'], { status: WorkloadStatus }>;

/** A team member: active cases, those opened in the last 30 days, the load by case type, and
 * whether any is above its recommended caseload. */
export type WorkerLoad = Narrow<Schemas['WorkerLoad'], { by_case_type: CaseTypeLoad[] }>;

/** Deadlines passed now over the team's open cases, by kind. */
export type AlertCounts = Schemas['AlertCounts'];

/** A stage and how many cases are at it. */
export type StageCount = Schemas['StageCount'];

/** A case with deadlines passed: its number, worker, stage, the kinds passed, and whether one
 * has escalated. */
export type AttentionCase = Schemas['AttentionCase'];

/** How many of how many (`ratio` null when there was nothing to count). */
export type MetricShare = Schemas['MetricShare'];

/** One month's quality metrics (`month` is `YYYY-MM`). */
export type MonthMetrics = Schemas['MonthMetricsView'];

/** `GET /api/v1/dashboard` (`view_team_workload`): over the teams the user supervises. */
export type Dashboard = Narrow<Schemas['Dashboard'], { workers: WorkerLoad[] }>;

// ---------------------------------------------------------------------------------------------
// Notes (visits, calls, meetings; never edited: a correction is another note)

export type NoteKind = 'home_visit' | 'office_visit' | 'phone_call' | 'meeting' | 'service_delivery' | 'other';

/** A note on a case: `kind` kept a plain string, so a kind this app does not name still shows;
 * a `confidential` one is seen by the assigned worker alone. */
export type Note = Schemas['NoteView'];

/** `GET /api/v1/cases/{id}/notes`: the notes the user may see, oldest first, and how many others
 * are withheld from them. */
export type NoteList = Schemas['NoteList'];

/** `POST /api/v1/cases/{id}/notes`: the body is at most 10,000 characters; `next_contact_on`
 * (YYYY-MM-DD, today to a year ahead) when the next contact is planned. */
export type NoteRequest = Narrow<Schemas['NoteRequest'], { kind: NoteKind }>;

// ---------------------------------------------------------------------------------------------
// Supervision: review samples, quality reviews, discussion marks, supervision notes

/** How a sample of cases to review is drawn: any open case, cases closed in the last 30 days,
 * open high-intensity cases, cases open for over 180 days. */
export type SampleCriterion = 'random' | 'newly_closed' | 'high_intensity' | 'long_duration';

/** How a case came to be reviewed: by a sampling criterion, or `chosen` by the supervisor. A
 * review's `criterion` stays a plain string: a server newer than the app may add some. */
export type ReviewCriterion = SampleCriterion | 'chosen';

/** How far the case's documentation meets the standard. Kept a plain string in a review. */
export type QualityRating = 'meets' | 'partly_meets' | 'does_not_meet';

/** The query of `GET /api/v1/reviews/sample`: the criterion and `per_worker` (1 to 10). */
export type ReviewSampleQuery = Narrow<
  NonNullable<operations['review_sample']['parameters']['query']>,
  { criterion?: SampleCriterion }
>;

/** `GET /api/v1/reviews/sample`: a few of each worker's cases, workers together, the same all
 * day. */
export type ReviewSample = Schemas['ReviewSample'];

/** One review of a case's documentation: who, when, how the case was picked, the rating and
 * the findings. */
export type QualityReview = Schemas['QualityReviewView'];

/** `GET /api/v1/cases/{id}/quality-reviews`: the reviews, oldest first; whether the user may
 * review the case (and mark it, and write supervision notes about it), and their own mark. */
export type QualityReviewList = Schemas['QualityReviewList'];

export type QualityReviewRequest = Narrow<
  Schemas['QualityReviewRequest'],
  { criterion: ReviewCriterion; rating: QualityRating }
>;

/** `PUT /api/v1/cases/{id}/discussion`: `{marked}`. */
export type DiscussionRequest = Schemas['DiscussionRequest'];

/** A case marked for discussion between a supervisor and its worker. */
export type DiscussionMark = Schemas['DiscussionMarkView'];

/** A note between a supervisor and a worker about a case: not part of the case's record. */
export type SupervisionNote = Schemas['SupervisionNoteView'];

/** `POST /api/v1/cases/{id}/supervision-notes`: the body is at most 5,000 characters. */
export type SupervisionNoteRequest = Schemas['SupervisionNoteRequest'];

/** `GET /api/v1/supervision`: the marks and notes between the user and their workers (as a
 * supervisor) or their supervisor (as a worker), notes newest first. */
export type Supervision = Schemas['Supervision'];

/** The query of `GET /api/v1/supervision`: `worker`, a user id, for one worker's records. */
export type SupervisionQuery = NonNullable<operations['supervision']['parameters']['query']>;

// ---------------------------------------------------------------------------------------------
// Panel decisions (an inter-agency panel endorsing a move that needs it)

/** What a panel decided about moving the case to `to`, on `decided_on` (YYYY-MM-DD), and who
 * recorded it. */
export type PanelDecision = Schemas['PanelDecisionView'];

/** `POST /api/v1/cases/{id}/panel-decisions`: `decided_on` not in the future, `notes` required
 * (at most 5,000 characters). */
export type PanelDecisionRequest = Schemas['PanelDecisionRequest'];

// ---------------------------------------------------------------------------------------------
// Caseloads, sharing, field grants, reassignment

/** A worker's intensity-weighted load against the case type's limits, in cases. */
export type Caseload = Pick<Schemas['CaseloadView'], 'load' | 'recommended' | 'maximum'>;

export type CaseloadStatus = 'within' | 'above_recommended' | 'above_maximum_overridden';

/** The caseload an assignment leaves its worker with. */
export type CaseloadOutcome = Narrow<Schemas['CaseloadView'], { status: CaseloadStatus }>;

/** `POST /api/v1/cases`: the new case and its worker's caseload. */
export type CreatedCase = Narrow<
  Schemas['CreatedCaseView'],
  { fields: CaseFields; access: CaseAccess; caseload: CaseloadOutcome }
>;

/** `GET /api/v1/cases/{id}/access`. */
export type CaseAccessList = Schemas['CaseAccessList'];

export type Share = Schemas['ShareView'];

export type FieldGrant = Schemas['FieldGrantView'];

export type ShareRequest = Schemas['ShareRequest'];

export type FieldGrantRequest = Schemas['FieldGrantRequest'];

/** The body of revocations and withdrawals: `{reason}`. */
export type ReasonRequest = Schemas['RevokeRequest'];

/** A team member a case may be reassigned to, with their current caseload. */
export type AssignableUser = Schemas['AssignableView'];

export type ReassignRequest = Schemas['ReassignRequest'];

export type ReassignResponse = Narrow<Schemas['ReassignedView'], { case: Case; caseload: CaseloadOutcome }>;

/** `POST /api/v1/cases/{id}/handover`: the assigned worker hands the case to a user it is
 * shared with ("share to own"). */
export type HandOverRequest = Schemas['HandOverRequest'];

/** The case's new worker and their caseload with it; the former worker no longer reaches it. */
export type HandedOver = Narrow<Schemas['HandedOverView'], { caseload: CaseloadOutcome }>;

/** `GET /api/v1/directory`: users who can hold cases, each with their agency (or none). */
export type DirectoryEntry = Schemas['DirectoryEntry'];

// ---------------------------------------------------------------------------------------------
// Consent

/** Which information a consent covers: every field up to a classification, or named fields
 * (exactly one of the two). */
export type ConsentInformation = Narrow<Schemas['InformationView'], { up_to?: 'standard' | 'restricted' | null }>;

/** To whom, as recorded: a user (`user`), an agency of this instance (`agency_id` and its name
 * as it was when the consent was given, in `agency`), or an organisation outside the instance
 * (`agency` alone). */
export type ConsentRecipient = Schemas['RecipientView'];

/** To whom, when recording: exactly one of `user_id`, `agency_id` (an agency of this instance:
 * every user who works for it) or `agency` (an organisation outside the instance, by name). */
export type ConsentRecipientRequest = Schemas['RecipientRequest'];

export type Consent = Narrow<Schemas['ConsentView'], { information: ConsentInformation }>;

export type ConsentRequest = Narrow<Schemas['ConsentRequest'], { information: ConsentInformation }>;

// ---------------------------------------------------------------------------------------------
// Attachments (a case's documents)

/** A document attached to a case: `kind` (one of the configuration's `attachments.kinds`,
 * kept a plain string so a kind this app does not name still shows), who may see it, its name,
 * media type, size in bytes, and who uploaded it when. */
export type Attachment = Narrow<Schemas['AttachmentView'], { classification: Classification }>;

/** `GET /api/v1/cases/{id}/attachments`: what the user may see, and how many others exist but
 * are withheld from them. */
export type AttachmentList = Narrow<Schemas['AttachmentList'], { items: Attachment[] }>;

/** `Config.attachments`: the kinds, the accepted media types and the largest file, in bytes. */
export type AttachmentRules = Schemas['AttachmentRulesView'];

/** The query of an upload: `kind`, and `classification` (the server's default: `restricted`). */
export type UploadAttachmentQuery = Narrow<
  operations['upload_attachment']['parameters']['query'],
  { classification?: Classification }
>;

/** The body of a document's removal: `{reason}` (required, at most 500 characters). */
export type RemoveAttachmentRequest = Schemas['RemoveRequest'];

// ---------------------------------------------------------------------------------------------
// Users, agencies and teams (administration)

/** An agency (an organisation whose staff use the instance) as users and directory entries name
 * it: id and name. */
export type AgencyRef = Schemas['AgencyRefView'];

/** `GET /api/v1/agencies`: id, name, version. */
export type Agency = Schemas['AgencyView'];

/** Adding an agency (`name`), or renaming one (`name` and the `version` it was based on). */
export type AgencyRequest = Schemas['AgencyRequest'];

export type TeamRef = Schemas['TeamRefView'];

export type UserAdmin = Narrow<Schemas['UserAdminView'], { permissions: Permission[] }>;

/** `role`: any role id of the configuration's catalogue (an unknown one is a 422 on `role`). */
export type CreateUserRequest = Schemas['NewUserRequest'];

export type UpdateUserRequest = Schemas['UserChangeRequest'];

export type Team = Schemas['TeamView'];

/** Creating a team, or changing one (absent members stay as they are; `supervisor_id: null`
 * removes the supervisor). */
export type TeamRequest = Schemas['TeamRequest'];

/** The intensities a person can choose: 1 low, 2 medium, 3 high. The document types a case's
 * intensity as an integer, so values read from the server stay `number`. */
export type Intensity = 1 | 2 | 3;

// ---------------------------------------------------------------------------------------------
// The audit trail (auditors: search and export; a case's worker and supervisor: its access log)

/** What an audit entry records, by name (docs/SECURITY-MODEL.md). An entry's `action` stays a
 * plain string: a server newer than the app may record actions this list lacks. */
export type AuditAction =
  | 'case.list'
  | 'case.read'
  | 'case.create'
  | 'case.update'
  | 'case.access.read'
  | 'case.share'
  | 'case.share.revoke'
  | 'case.field_grant'
  | 'case.field_grant.revoke'
  | 'case.reassign'
  | 'case.hand_over'
  | 'case.transition'
  | 'case.note.list'
  | 'case.note.create'
  | 'case.care_plan.list'
  | 'case.care_plan.save'
  | 'case.care_plan.decide'
  | 'case.approval_queue'
  | 'team.dashboard'
  | 'report.read'
  | 'case.attachment.list'
  | 'case.attachment.upload'
  | 'case.attachment.download'
  | 'case.attachment.remove'
  | 'case.reindex'
  | 'consent.list'
  | 'consent.record'
  | 'consent.withdraw'
  | 'auth.login'
  | 'auth.login.failed'
  | 'auth.second_factor'
  | 'auth.second_factor.failed'
  | 'auth.second_factor.enrol'
  | 'auth.logout'
  | 'user.create'
  | 'user.update'
  | 'user.notifications'
  | 'team.create'
  | 'team.update'
  | 'team.member.add'
  | 'team.member.remove'
  | 'agency.create'
  | 'agency.update'
  | 'config.load'
  | 'config.change'
  | 'config.migrate'
  | 'audit.search'
  | 'audit.export'
  | 'case.audit.read'
  | 'case.purge'
  | 'case.review_sample'
  | 'case.quality_review.list'
  | 'case.quality_review.create'
  | 'case.discussion_mark'
  | 'case.supervision_note.create'
  | 'case.supervision.read'
  | 'case.panel_decision.list'
  | 'case.panel_decision.record';

export type AuditOutcome = 'allowed' | 'denied';

/** One entry: who (`actor`, absent for an unknown user or the command line), with which role,
 * did what, allowed or refused, to which case or record, touching which field ids (for a case
 * list: the case ids returned), why, and from which client. Never a value. */
export type AuditEntry = Narrow<Schemas['AuditEntryView'], { outcome: AuditOutcome }>;

/** `GET /api/v1/audit`: entries newest first; `next_before` (absent on the last page) is the
 * `before` of the next. */
export type AuditPage = Narrow<Schemas['AuditPage'], { entries: AuditEntry[] }>;

/** The query of `GET /api/v1/audit`: `actor`, `case_id`, `action`, `outcome`, `from`, `to`
 * (RFC 3339), `before`, `limit` (1 to 500). */
/** `GET /api/v1/reports/cases` (`view_aggregate_reports`): counts of cases along one or two
 * axes, `null` where a count is suppressed; a `null` row or column key is "not recorded". */
export type CaseReport = Schemas['ReportView'];

/** What an aggregate report counts: its axes and filters. */
export type ReportQuery = NonNullable<operations['case_report']['parameters']['query']>;

export type AuditQuery = Omit<NonNullable<operations['search_audit']['parameters']['query']>, 'reason'>;

/** The query of `GET /api/v1/audit/export`: the search's, with the required `reason` (`limit`
 * up to 10,000). */
export type AuditExportQuery = NonNullable<operations['export_audit']['parameters']['query']> & { reason: string };

// ---------------------------------------------------------------------------------------------
// Configuration (GET /api/v1/config)

/** A text keyed by language code (`en`, `fr`, `ar`). */
export type Translations = Schemas['BTreeMap'];

export type Languages = Schemas['LanguagesView'];

export type Stage = Schemas['StageView'];

/** One option of a list: `retired` ones are no longer offered for new entries. */
export type OptionItem = Schemas['ListOptionView'];

export type OptionList = Schemas['OptionListView'];

export type ClosureReason = Schemas['LabelledView'];

export type LocationLevel = 'region' | 'district' | 'village';

export type Location = Narrow<Schemas['LocationView'], { level: LocationLevel }>;

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

/** A field of type `T`. The document has one shape for every type, each type's settings
 * (`option_list`, `max_length`, member `fields`, ...) optional and nullable. */
export type FieldOf<T extends FieldType> = Narrow<
  Schemas['FieldView'],
  {
    type: T;
    classification: Classification;
    min_level?: LocationLevel | null;
    fields?: Field[] | null;
  }
>;

/** A field of any type, narrowed by `type`. */
export type Field = { [T in FieldType]: FieldOf<T> }[FieldType];

export type SingleSelectField = FieldOf<'single_select'>;
export type MultiSelectField = FieldOf<'multi_select'>;
export type LocationField = FieldOf<'location'>;
export type RepeatingGroupField = FieldOf<'repeating_group'>;

export type Section = Narrow<Schemas['SectionView'], { fields: Field[] }>;

export type CaseType = Narrow<Schemas['CaseTypeView'], { sections: Section[] }>;

/** A role of the instance: built-in ones (named by the UI, `label` empty) first, then custom
 * ones (named by their `label`). */
export type RoleDefinition = Narrow<Schemas['RoleView'], { permissions: Permission[] }>;

export type Config = Narrow<
  Schemas['ConfigView'],
  { locations: Location[]; case_types: CaseType[]; roles: RoleDefinition[] }
>;

// ---------------------------------------------------------------------------------------------
// Health

/** `GET /healthz` and `GET /readyz`: `ok` or `ready`. */
export type Health = Schemas['Status'];
