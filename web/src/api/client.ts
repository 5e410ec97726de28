// Typed wrappers for every endpoint of docs/API.md. Same-origin only: the app is served by
// the `caseward` binary, and the session is the HttpOnly cookie the server sets at login.

import type {
  Agency,
  AgencyRequest,
  AlertList,
  ApprovalQueue,
  AssignableUser,
  Attachment,
  AttachmentList,
  AuditEntry,
  AuditExportQuery,
  AuditPage,
  AuditQuery,
  CaseReport,
  ReportQuery,
  Case,
  CaseAccessList,
  CarePlan,
  CarePlanDecisionRequest,
  CarePlanList,
  CarePlanRequest,
  CaseListQuery,
  CasePage,
  CodeRequest,
  Config,
  Consent,
  ConsentRequest,
  CreateCaseRequest,
  CreatedCase,
  CreateUserRequest,
  Dashboard,
  DirectoryEntry,
  DiscussionRequest,
  Enrolment,
  EnrolRequest,
  FieldGrant,
  FieldGrantRequest,
  FieldProblem,
  HandedOver,
  HandOverRequest,
  Health,
  LoginRequest,
  LoginResponse,
  Note,
  NoteList,
  NoteRequest,
  NotificationSettings,
  NotificationSettingsRequest,
  PanelDecision,
  PanelDecisionRequest,
  Problem,
  QualityReview,
  QualityReviewList,
  QualityReviewRequest,
  ReassignRequest,
  ReassignResponse,
  ReasonRequest,
  RemoveAttachmentRequest,
  RecoveryCodes,
  ReviewSample,
  ReviewSampleQuery,
  SecondFactorResult,
  Share,
  ShareRequest,
  Supervision,
  SupervisionNote,
  SupervisionNoteRequest,
  SupervisionQuery,
  Team,
  TeamRequest,
  Transition,
  TransitionRequest,
  UpdateCaseRequest,
  UpdateUserRequest,
  UploadAttachmentQuery,
  User,
  UserAdmin,
} from './types';
import type { ConfigChange, ConfigEntities, ConfigVersion, ConfigVersionFiles, DryRun, XlsFormImport, XlsFormQuery } from './entities';

const PROBLEM_PREFIX = 'urn:caseward:problem:';

/** A failed request: the server's problem details, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[];
  /** A 429's `Retry-After`, in seconds, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** A `caseload-exceeded` problem's figures: the worker's weighted caseload after the
   * assignment, and their maximum. */
  readonly load: number | undefined;
  readonly maximum: number | undefined;

  constructor(problem: Problem, retryAfterSeconds?: number) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail ?? undefined;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
    this.load = problem.load ?? undefined;
    this.maximum = problem.maximum ?? undefined;
  }

  /** The problem name (`validation`, `conflict`, ...) or `network` when nothing answered. */
  get problem(): string {
    if (this.status === 0) return 'network';
    return this.type.startsWith(PROBLEM_PREFIX) ? this.type.slice(PROBLEM_PREFIX.length) : this.type;
  }

  /** A 401 `confirmation-failed`: the password (or code) re-asked for a sensitive action was
   * wrong. The person is still signed in and nothing was written. */
  get confirmationRefused(): boolean {
    return this.status === 401 && this.problem === 'confirmation-failed';
  }

  /** A 403 refusing to share a survivor's case because no consent names the recipient; an
   * emergency may override it with `consent_override_reason`. */
  get consentMissing(): boolean {
    return this.status === 403 && this.problem === 'consent-required';
  }

  /** A 409 refusing an assignment above the worker's maximum caseload (`load`, `maximum`). */
  get caseloadExceeded(): boolean {
    return this.status === 409 && this.problem === 'caseload-exceeded';
  }

  /** A 401 that means the session (or the half-finished login) is gone, rather than a code
   * that was not accepted (`code-rejected`) or a wrong password (`confirmation-failed`). */
  get sessionGone(): boolean {
    return this.status === 401 && this.problem === 'unauthenticated';
  }
}

/** `Retry-After` as seconds (a number of seconds or an HTTP date), if present and sensible. */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('Retry-After')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.round((date - Date.now()) / 1000));
}

/** Called on every 401 from an endpoint other than login, so the app can ask to sign in. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

/** The language of the UI, sent as Accept-Language so a server that translates can. */
let language = 'en';
export function setApiLanguage(lang: string): void {
  language = lang;
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Problem).title === 'string' &&
    typeof (body as Problem).status === 'number'
  );
}

function isFieldProblem(item: unknown): item is FieldProblem {
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof (item as FieldProblem).field === 'string' &&
    typeof (item as FieldProblem).message === 'string'
  );
}

async function toError(response: Response): Promise<ApiError> {
  const wait = response.status === 429 ? retryAfter(response) : undefined;
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): fall through to a generic problem.
  }
  if (isProblem(body)) {
    return new ApiError({
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: body.title,
      status: response.status,
      ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
      ...(typeof body.load === 'number' ? { load: body.load } : {}),
      ...(typeof body.maximum === 'number' ? { maximum: body.maximum } : {}),
      errors: Array.isArray(body.errors)
        ? body.errors.filter(isFieldProblem).map((e) => ({
            field: e.field,
            code: typeof e.code === 'string' ? e.code : '',
            message: e.message,
          }))
        : [],
    }, wait);
  }
  return new ApiError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  }, wait);
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own media type as `Content-Type` (an upload); not with `body`. */
  file?: Blob;
  /** More request headers (an upload's file name). */
  headers?: Record<string, string>;
  /** Do not report a 401 to the unauthenticated handler (login, session probe). */
  quiet401?: boolean;
}

/** Send a request with the app's headers; a failure becomes an `ApiError` (a 401 that is not a
 * refused confirmation also reports the session as gone). */
async function send(path: string, options: RequestOptions = {}, accept = 'application/json, application/problem+json'): Promise<Response> {
  const headers: Record<string, string> = {
    Accept: accept,
    'Accept-Language': language,
    // The audit trail records which client made each access.
    'X-Caseward-Client': 'web',
    ...options.headers,
  };
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
  };
  if (options.file !== undefined) {
    // A file the browser cannot type is sent as bytes; the server then refuses it (415).
    headers['Content-Type'] = options.file.type || 'application/octet-stream';
    init.body = options.file;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError({
      type: 'about:blank',
      title: cause instanceof Error ? cause.message : 'Network error',
      status: 0,
    });
  }
  if (!response.ok) {
    const error = await toError(response);
    // A wrong confirmation password is a 401 too, but the session is alive: not a sign-out.
    if (error.status === 401 && !options.quiet401 && !error.confirmationRefused) onUnauthenticated?.();
    throw error;
  }
  return response;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file the server sends as an attachment: its content and the name it suggests. */
export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

/** The file name of a `Content-Disposition: attachment; filename="..."`, if any: the exact
 * name of `filename*=UTF-8''...` (RFC 8187) when given, else the plain one. */
function attachmentName(response: Response): string | null {
  const header = response.headers.get('Content-Disposition') ?? '';
  const exact = /filename\*=UTF-8''([^;\s]+)/i.exec(header)?.[1];
  if (exact) {
    try {
      return decodeURIComponent(exact);
    } catch {
      // Not valid percent-encoding: fall back to the plain name.
    }
  }
  const match = /filename="([^"]+)"/.exec(header) ?? /filename=([^;\s]+)/.exec(header);
  return match?.[1] ?? null;
}

/** GET a file (fetched rather than followed as a link, so the request carries the app's
 * headers and a refusal comes back as an `ApiError`). */
async function download(path: string, accept: string, fallbackName: string): Promise<DownloadedFile> {
  const response = await send(path, {}, `${accept}, application/problem+json`);
  return { blob: await response.blob(), filename: attachmentName(response) ?? fallbackName };
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const V1 = '/api/v1';

/** The media type of an .xlsx workbook. */
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const seg = encodeURIComponent;

export const api = {
  /** `GET /healthz`: the process is alive. */
  health: () => request<Health>('/healthz'),
  /** `GET /readyz`: the database answers (503 problem otherwise). */
  ready: () => request<Health>('/readyz'),
  /** `GET /api/v1/openapi.json`: the API as OpenAPI 3.1. */
  openapi: () => request<Record<string, unknown>>(`${V1}/openapi.json`),

  /** `POST /api/v1/auth/login`: sets the session cookie. 401 for any wrong credential. */
  login: (body: LoginRequest) =>
    request<LoginResponse>(`${V1}/auth/login`, { method: 'POST', body, quiet401: true }),
  /** `POST /api/v1/auth/logout`: ends the session (204). */
  logout: () => request<void>(`${V1}/auth/logout`, { method: 'POST', quiet401: true }),
  /** `GET /api/v1/auth/me`: the signed-in user, or 401 (also while the login still awaits
   * its second factor). `signOutOn401` reports a 401 to the unauthenticated handler. */
  me: (options: { signOutOn401?: boolean } = {}) =>
    request<User>(`${V1}/auth/me`, { quiet401: !options.signOutOn401 }),

  // The second factor (TOTP). Until a login's `next` step is done, every other endpoint is 401.

  /** `POST /api/v1/auth/second-factor`: completes a login whose `next` is `second_factor`,
   * with a 6-digit code or a recovery code. 401 when the code is not accepted, 429 (with
   * `Retry-After`) after too many failures. Never reported as a sign-out. */
  secondFactor: (body: CodeRequest) =>
    request<SecondFactorResult>(`${V1}/auth/second-factor`, { method: 'POST', body, quiet401: true }),
  /** `POST /api/v1/auth/mfa/enrol`: a new secret (base32, `otpauth://` URI, QR code as SVG).
   * During a login whose `next` is `enrolment` the body is `{}`; from a full session it needs
   * `confirm_password` (the password: a code is not accepted here), and the current second
   * factor stops working at once, until the new one is confirmed. */
  enrolSecondFactor: (body: EnrolRequest, options: { duringLogin: boolean }) =>
    request<Enrolment>(`${V1}/auth/mfa/enrol`, { method: 'POST', body, quiet401: options.duringLogin }),
  /** `POST /api/v1/auth/mfa/confirm`: the first code turns the second factor on, completes an
   * enrolment login, and returns the recovery codes (shown once). A refused code is a 401 of
   * the same type as a lost session, so it is never reported as a sign-out here. */
  confirmSecondFactor: (body: CodeRequest) =>
    request<RecoveryCodes>(`${V1}/auth/mfa/confirm`, { method: 'POST', body, quiet401: true }),

  /** `GET /api/v1/config`: case types, forms, stages, option lists, locations. */
  config: () => request<Config>(`${V1}/config`),

  // Configuration editors (`configure_workflow`; 403 for anyone else). A change or a
  // restoration is based on the version it was made from: 409 when another version was made
  // since; `dry_run` answers 200 with what it would change and every error, and stores nothing.

  /** `GET /api/v1/config/entities`: the newest version's entities, as the files write them. */
  configEntities: () => request<ConfigEntities>(`${V1}/config/entities`),
  /** `POST /api/v1/config/changes` with `dry_run`: the change lines and every error. */
  checkConfigChanges: (basedOn: number, changes: ConfigChange[]) =>
    request<DryRun>(`${V1}/config/changes`, { method: 'POST', body: { based_on: basedOn, changes, dry_run: true } }),
  /** `POST /api/v1/config/changes`: 201 with the new version, in force at once; 422 with every
   * error; 409 when stale. */
  applyConfigChanges: (basedOn: number, changes: ConfigChange[]) =>
    request<ConfigVersion>(`${V1}/config/changes`, { method: 'POST', body: { based_on: basedOn, changes, dry_run: false } }),
  /** `GET /api/v1/config/versions`: the history, newest first. */
  configVersions: () => request<ConfigVersion[]>(`${V1}/config/versions`),
  /** `GET /api/v1/config/versions/{n}`: one version with its files. */
  configVersion: (version: number) => request<ConfigVersionFiles>(`${V1}/config/versions/${version}`),
  /** `POST /api/v1/config/versions/{n}/restore` with `dry_run`: what making it the newest again
   * would change, and every error. */
  checkConfigRestore: (version: number, basedOn: number) =>
    request<DryRun>(`${V1}/config/versions/${version}/restore`, { method: 'POST', body: { based_on: basedOn, dry_run: true } }),
  /** `POST /api/v1/config/versions/{n}/restore`: 201 with the new version (a copy of version n). */
  restoreConfigVersion: (version: number, basedOn: number) =>
    request<ConfigVersion>(`${V1}/config/versions/${version}/restore`, { method: 'POST', body: { based_on: basedOn, dry_run: false } }),

  /** `POST /api/v1/config/xlsform`: an XLSForm workbook (.xlsx) as a case type's form. With
   * `dry_run`, 200 with what it would change, every error, what would be left out and the texts
   * filled in; else 201 with the new version. 422 with every problem (a workbook's by sheet, row
   * and column; `not_mapped` for what would be left out, unless `accept_left_out`); 409 when
   * stale. */
  importXlsForm: (workbook: Blob, q: XlsFormQuery) =>
    request<XlsFormImport>(
      `${V1}/config/xlsform${query({
        case_type: q.case_type,
        classification: q.classification,
        based_on: q.based_on,
        code: q.code,
        dry_run: q.dry_run ? 'true' : undefined,
        accept_left_out: q.accept_left_out ? 'true' : undefined,
      })}`,
      { method: 'POST', file: new Blob([workbook], { type: XLSX }) },
    ),

  /** `GET /api/v1/cases`: the cases the user may see, one page at a time. */
  listCases: (params: CaseListQuery = {}) =>
    request<CasePage>(
      `${V1}/cases${query({
        case_type: params.case_type,
        stage: params.stage,
        q: params.q,
        page: params.page,
        per_page: params.per_page,
      })}`,
    ),
  /** `POST /api/v1/cases`: 201 with the new case and the creator's caseload, 422 with field
   * errors, 409 `caseload-exceeded` above the maximum caseload without an override. */
  createCase: (body: CreateCaseRequest) => request<CreatedCase>(`${V1}/cases`, { method: 'POST', body }),
  /** `GET /api/v1/cases/{id}`. */
  getCase: (id: string) => request<Case>(`${V1}/cases/${encodeURIComponent(id)}`),
  /** `PATCH /api/v1/cases/{id}`: only the changed fields; 409 when `version` is stale. */
  updateCase: (id: string, body: UpdateCaseRequest) =>
    request<Case>(`${V1}/cases/${encodeURIComponent(id)}`, { method: 'PATCH', body }),

  /** `POST /api/v1/cases/{id}/transitions`: the case at its new stage. 422 lists every unmet
   * guard (`errors[]`, code `guard`, on `to`, `reason`, `survivor_decision`, `fields` or
   * `fields.<id>`); 409 when `version` is stale. */
  transitionCase: (id: string, body: TransitionRequest) =>
    request<Case>(`${V1}/cases/${seg(id)}/transitions`, { method: 'POST', body }),
  /** `GET /api/v1/cases/{id}/transitions`: the case's moves, oldest first (reading is audited). */
  caseTransitions: (id: string) => request<Transition[]>(`${V1}/cases/${seg(id)}/transitions`),

  // Care plans: versions of the plan, each saved whole; the case's team supervisor approves or
  // returns the newest when it is submitted, and moving the case on from the care plan stage
  // needs an approved plan (a 422 guard on `care_plan`).

  /** `GET /api/v1/cases/{id}/care-plans`: every version, oldest first, with `intervention_types`
   * (an option list of the configuration), `may_write` and `may_decide`. */
  carePlans: (id: string) => request<CarePlanList>(`${V1}/cases/${seg(id)}/care-plans`),
  /** `POST /api/v1/cases/{id}/care-plans`: 201 with the new version (a draft, submitted when
   * `submit`; one that changes only intervention statuses of an approved plan stays approved).
   * 409 when `based_on` is not the newest version; 422 on `narrative`, `interventions` or
   * `interventions[i].<member>`. */
  saveCarePlan: (id: string, body: CarePlanRequest) =>
    request<CarePlan>(`${V1}/cases/${seg(id)}/care-plans`, { method: 'POST', body }),
  /** `POST /api/v1/cases/{id}/care-plans/{version}/decision`: 200 with the version approved or
   * returned; 422 on `comment` (a return needs one); 403 on `version` when it is not the newest
   * submitted version or the supervisor wrote it. */
  decideCarePlan: (id: string, version: number, body: CarePlanDecisionRequest) =>
    request<CarePlan>(`${V1}/cases/${seg(id)}/care-plans/${seg(String(version))}/decision`, { method: 'POST', body }),
  /** `GET /api/v1/approvals` (`approve_care_plans`): the cases of the teams the user supervises
   * whose newest care plan waits for a decision, oldest update first. */
  approvals: () => request<ApprovalQueue>(`${V1}/approvals`),

  // Deadlines: alerts to the case's worker (escalations to the supervisor), emailed where the
  // user gives an address and the instance sends email; the supervisor's dashboard.

  /** `GET /api/v1/dashboard` (`view_team_workload`; 403 otherwise): over the teams the user
   * supervises, each worker's caseload, the deadlines passed, the cases needing attention, the
   * open cases by stage and six months of quality metrics. Reading it is recorded. */
  dashboard: () => request<Dashboard>(`${V1}/dashboard`),
  /** `GET /api/v1/alerts`: the user's alerts, newest first, and how many are unread. */
  alerts: () => request<AlertList>(`${V1}/alerts`),
  /** `POST /api/v1/alerts/{id}/read`: 204; 404 for an alert that is not the user's. */
  readAlert: (id: string) => request<void>(`${V1}/alerts/${seg(id)}/read`, { method: 'POST' }),
  /** `GET /api/v1/me/notifications`: where the user's alerts are emailed, and whether the
   * instance sends email. */
  notificationSettings: () => request<NotificationSettings>(`${V1}/me/notifications`),
  /** `PUT /api/v1/me/notifications`: the address (null or empty: none); 422 on `email` for
   * something that is not an address. Recorded in the trail. */
  changeNotificationSettings: (body: NotificationSettingsRequest) =>
    request<NotificationSettings>(`${V1}/me/notifications`, { method: 'PUT', body }),

  /** `GET /api/v1/cases/{id}/notes`: the notes the user may see, oldest first, and `withheld`. */
  notes: (id: string) => request<NoteList>(`${V1}/cases/${seg(id)}/notes`),
  /** `POST /api/v1/cases/{id}/notes`: 201 with the note; 422 on `kind` or `body`; 403 on
   * `confidential` for anyone but the assigned worker. */
  writeNote: (id: string, body: NoteRequest) => request<Note>(`${V1}/cases/${seg(id)}/notes`, { method: 'POST', body }),

  // Supervision (docs/API.md, "Supervision"): review samples, quality reviews, discussion marks
  // and supervision notes. Supervision notes are between a supervisor and a worker: never part
  // of the case's record, nor among its notes.

  /** `GET /api/v1/reviews/sample` (`view_team_cases`; 403 otherwise): up to `per_worker` of each
   * worker's cases that meet the criterion, the same all day; 400 for another criterion or
   * `per_worker`. */
  reviewSample: (q: ReviewSampleQuery) => request<ReviewSample>(`${V1}/reviews/sample${query(q)}`),
  /** `GET /api/v1/cases/{id}/quality-reviews`: the case's worker and its team supervisor (403
   * for anyone else who reaches the case). */
  qualityReviews: (id: string) => request<QualityReviewList>(`${V1}/cases/${seg(id)}/quality-reviews`),
  /** `POST /api/v1/cases/{id}/quality-reviews`: 201 with the review; 422 on `criterion`,
   * `rating`, `findings`; 403 for anyone but the team supervisor. */
  writeQualityReview: (id: string, body: QualityReviewRequest) =>
    request<QualityReview>(`${V1}/cases/${seg(id)}/quality-reviews`, { method: 'POST', body }),
  /** `PUT /api/v1/cases/{id}/discussion`: 204; the team supervisor marks the case for discussion
   * with its worker, or takes the mark away. */
  markForDiscussion: (id: string, body: DiscussionRequest) =>
    request<void>(`${V1}/cases/${seg(id)}/discussion`, { method: 'PUT', body }),
  /** `POST /api/v1/cases/{id}/supervision-notes`: 201 with the note, for the case's worker; 422
   * on `body`; 403 for anyone but the team supervisor. */
  writeSupervisionNote: (id: string, body: SupervisionNoteRequest) =>
    request<SupervisionNote>(`${V1}/cases/${seg(id)}/supervision-notes`, { method: 'POST', body }),
  /** `GET /api/v1/supervision`: the user's marks and supervision notes (`worker`: only those
   * with that worker, as their supervisor); 400 for a `worker` that is not a user id. */
  supervision: (q: SupervisionQuery = {}) => request<Supervision>(`${V1}/supervision${query(q)}`),

  // Panel decisions (docs/API.md, "Panel decisions"): a move declaring `panel_review` is refused
  // (422, `panel_decision`) until the newest decision about it since the case entered its stage
  // endorses it.

  /** `GET /api/v1/cases/{id}/panel-decisions`: oldest first (whoever reaches the case). */
  panelDecisions: (id: string) => request<PanelDecision[]>(`${V1}/cases/${seg(id)}/panel-decisions`),
  /** `POST /api/v1/cases/{id}/panel-decisions`: 201 with the decision; 422 on `to` (no move
   * from the case's stage to it needs a panel), `decided_on` (in the future), `notes`; 403 for
   * anyone who may not change the case. */
  recordPanelDecision: (id: string, body: PanelDecisionRequest) =>
    request<PanelDecision>(`${V1}/cases/${seg(id)}/panel-decisions`, { method: 'POST', body }),

  // Access control (docs/API.md, "Access control endpoints"). A case the user may not reach
  // is 404; an action their relationship does not allow is 403 with a `detail` in words.

  /** `GET /api/v1/cases/{id}/access`: shares and field grants (assigned worker, supervisor). */
  caseAccess: (id: string) => request<CaseAccessList>(`${V1}/cases/${seg(id)}/access`),
  /** `POST /api/v1/cases/{id}/shares`: 403 for a GBV case without the survivor's consent. */
  share: (id: string, body: ShareRequest) =>
    request<Share>(`${V1}/cases/${seg(id)}/shares`, { method: 'POST', body }),
  /** `DELETE /api/v1/cases/{id}/shares/{user_id}`. */
  revokeShare: (id: string, userId: string, body: ReasonRequest) =>
    request<void>(`${V1}/cases/${seg(id)}/shares/${seg(userId)}`, { method: 'DELETE', body }),
  /** `POST /api/v1/cases/{id}/field-grants` (assigned worker; a restricted field). */
  grantField: (id: string, body: FieldGrantRequest) =>
    request<FieldGrant>(`${V1}/cases/${seg(id)}/field-grants`, { method: 'POST', body }),
  /** `DELETE /api/v1/cases/{id}/field-grants/{user_id}/{field_id}`. */
  revokeFieldGrant: (id: string, userId: string, fieldId: string, body: ReasonRequest) =>
    request<void>(`${V1}/cases/${seg(id)}/field-grants/${seg(userId)}/${seg(fieldId)}`, { method: 'DELETE', body }),
  /** `GET /api/v1/cases/{id}/assignable`: team members with their caseloads. */
  assignable: (id: string) => request<AssignableUser[]>(`${V1}/cases/${seg(id)}/assignable`),
  /** `POST /api/v1/cases/{id}/reassign`: 409 `caseload-exceeded` above the maximum unless
   * `override_reason` is given. */
  reassign: (id: string, body: ReassignRequest) =>
    request<ReassignResponse>(`${V1}/cases/${seg(id)}/reassign`, { method: 'POST', body }),
  /** `POST /api/v1/cases/{id}/handover`: the assigned worker hands the case to a user it is
   * shared with, who becomes its worker; the former worker no longer reaches it. 403 (in words)
   * when it is not shared with them, 403 `consent-required` for a survivor's case no standing
   * consent allows, 409 `caseload-exceeded` above their maximum (only a role with
   * `override_caseload` may give `override_reason`), 401 `confirmation-failed`. */
  handOver: (id: string, body: HandOverRequest) =>
    request<HandedOver>(`${V1}/cases/${seg(id)}/handover`, { method: 'POST', body }),
  /** `GET /api/v1/directory`: users who can hold cases, with their agency. */
  directory: () => request<DirectoryEntry[]>(`${V1}/directory`),

  /** `GET /api/v1/cases/{id}/consents`. */
  consents: (id: string) => request<Consent[]>(`${V1}/cases/${seg(id)}/consents`),
  /** `POST /api/v1/cases/{id}/consents` (assigned worker). */
  recordConsent: (id: string, body: ConsentRequest) =>
    request<Consent>(`${V1}/cases/${seg(id)}/consents`, { method: 'POST', body }),
  /** `POST /api/v1/cases/{id}/consents/{consent_id}/withdraw`: access relying on it ends. */
  withdrawConsent: (id: string, consentId: string, body: ReasonRequest) =>
    request<Consent>(`${V1}/cases/${seg(id)}/consents/${seg(consentId)}/withdraw`, { method: 'POST', body }),

  /** `GET /api/v1/users` (system administrators, programme managers). */
  users: () => request<UserAdmin[]>(`${V1}/users`),
  /** `POST /api/v1/users`. */
  createUser: (body: CreateUserRequest) =>
    request<UserAdmin>(`${V1}/users`, { method: 'POST', body }),
  /** `PATCH /api/v1/users/{id}`: 409 when `version` is stale; nobody changes their own role. */
  updateUser: (id: string, body: UpdateUserRequest) =>
    request<UserAdmin>(`${V1}/users/${seg(id)}`, { method: 'PATCH', body }),
  /** `GET /api/v1/agencies`: every agency, by name (roles that manage users or hold cases). */
  agencies: () => request<Agency[]>(`${V1}/agencies`),
  /** `POST /api/v1/agencies` (`manage_users`): 422 on `name` (`taken`, ignoring case; `invalid`). */
  createAgency: (body: AgencyRequest) => request<Agency>(`${V1}/agencies`, { method: 'POST', body }),
  /** `PATCH /api/v1/agencies/{id}`: a new name with the `version` it was based on; 409 when stale.
   * Consents keep the name the agency had when they were given. */
  renameAgency: (id: string, body: AgencyRequest) =>
    request<Agency>(`${V1}/agencies/${seg(id)}`, { method: 'PATCH', body }),
  /** `GET /api/v1/teams` (system administrators). */
  teams: () => request<Team[]>(`${V1}/teams`),
  /** `POST /api/v1/teams`. */
  createTeam: (body: TeamRequest) => request<Team>(`${V1}/teams`, { method: 'POST', body }),
  /** `PATCH /api/v1/teams/{id}`. */
  updateTeam: (id: string, body: TeamRequest) =>
    request<Team>(`${V1}/teams/${seg(id)}`, { method: 'PATCH', body }),
  /** `PUT /api/v1/teams/{id}/members/{user_id}`. */
  addTeamMember: (id: string, userId: string) =>
    request<Team>(`${V1}/teams/${seg(id)}/members/${seg(userId)}`, { method: 'PUT' }),
  /** `DELETE /api/v1/teams/{id}/members/{user_id}`: ends the member's live sessions. */
  removeTeamMember: (id: string, userId: string) =>
    request<Team>(`${V1}/teams/${seg(id)}/members/${seg(userId)}`, { method: 'DELETE' }),

  /** `GET /api/v1/audit` (`read_audit_trail`): entries newest first, with `next_before` when
   * there are older ones. A filter the server cannot read is a 400 whose `detail` starts with
   * the parameter's name (`case_id: ...`, `query: from: ...`). Each search is itself recorded. */
  /** `GET /api/v1/reports/cases` (`view_aggregate_reports`; 403 otherwise): an anonymised
   * aggregate report; 422 naming each bad parameter. Reading one is recorded. */
  caseReport: (q: ReportQuery) => request<CaseReport>(`${V1}/reports/cases${query(q)}`),
  audit: (q: AuditQuery) => request<AuditPage>(`${V1}/audit${query(q)}`),
  /** `GET /api/v1/audit/export`: the same entries as CSV (`reason` required: a 422 on `reason`
   * without one); the export is recorded with its reason. */
  exportAudit: (q: AuditExportQuery) =>
    download(`${V1}/audit/export${query(q)}`, 'text/csv', 'caseward-audit.csv'),
  /** `GET /api/v1/cases/{id}/audit`: the case's access log, newest first (the assigned worker
   * and the team's supervisor; 403 for anyone else who reaches the case). */
  caseAudit: (id: string) => request<AuditEntry[]>(`${V1}/cases/${seg(id)}/audit`),

  // A case's documents. Whoever reaches the case may list them; each is seen only by those its
  // classification allows (as for a field; `attachments` is the field grant that opens the
  // restricted ones), and `withheld` counts the others.

  /** `GET /api/v1/cases/{id}/attachments`: the documents the user may see, and `withheld`. */
  attachments: (id: string) => request<AttachmentList>(`${V1}/cases/${seg(id)}/attachments`),
  /** `POST /api/v1/cases/{id}/attachments`: the file itself as the body (not multipart), its
   * media type as `Content-Type`, its name percent-encoded in `X-Caseward-File-Name`. 201 with
   * the document; 422 on `kind`, `classification`, `file_name`, `content_type` (content that
   * does not start as its type does) or `file` (empty); 415 on `content_type` (a type not
   * accepted); 413 on `file` (too large); 403 when the user may not change the case, or may not
   * see a document of that classification. */
  uploadAttachment: (id: string, file: File, q: UploadAttachmentQuery) =>
    request<Attachment>(`${V1}/cases/${seg(id)}/attachments${query(q)}`, {
      method: 'POST',
      file,
      headers: { 'X-Caseward-File-Name': encodeURIComponent(file.name) },
    }),
  /** The address of a document's content (`GET /api/v1/cases/{id}/attachments/{attachment_id}`,
   * sent as a download), for a link. */
  attachmentUrl: (id: string, attachmentId: string) => `${V1}/cases/${seg(id)}/attachments/${seg(attachmentId)}`,
  /** The document's content, fetched so the request carries the app's headers (the trail
   * records the client) and a refusal comes back as an `ApiError`; 403 when it is withheld. */
  downloadAttachment: (id: string, attachment: Pick<Attachment, 'id' | 'name' | 'media_type'>) =>
    download(`${V1}/cases/${seg(id)}/attachments/${seg(attachment.id)}`, attachment.media_type || '*/*', attachment.name),
  /** `DELETE /api/v1/cases/{id}/attachments/{attachment_id}`: the assigned worker removes a
   * document with a reason; its record and its file are deleted, and the trail records the
   * removal with the reason. 204; 403 (in words) for anyone else, 422 on `reason` (empty, or
   * longer than 500 characters), 404 for a document the case does not have (any more). */
  removeAttachment: (id: string, attachmentId: string, body: RemoveAttachmentRequest) =>
    request<void>(`${V1}/cases/${seg(id)}/attachments/${seg(attachmentId)}`, { method: 'DELETE', body }),
};
