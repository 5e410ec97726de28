// Typed wrappers for every endpoint of docs/API.md. Same-origin only: the app is served by
// the `caseward` binary, and the session is the HttpOnly cookie the server sets at login.

import type {
  Case,
  CaseListQuery,
  CasePage,
  Config,
  CreateCaseRequest,
  FieldProblem,
  Health,
  LoginRequest,
  LoginResponse,
  Problem,
  UpdateCaseRequest,
  User,
} from './types';

const PROBLEM_PREFIX = 'urn:caseward:problem:';

/** A failed request: the server's problem details, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[];

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail ?? undefined;
    this.errors = problem.errors ?? [];
  }

  /** The problem name (`validation`, `conflict`, ...) or `network` when nothing answered. */
  get problem(): string {
    if (this.status === 0) return 'network';
    return this.type.startsWith(PROBLEM_PREFIX) ? this.type.slice(PROBLEM_PREFIX.length) : this.type;
  }
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
      errors: Array.isArray(body.errors)
        ? body.errors.filter(isFieldProblem).map((e) => ({
            field: e.field,
            code: typeof e.code === 'string' ? e.code : '',
            message: e.message,
          }))
        : [],
    });
  }
  return new ApiError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  });
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH';
  body?: unknown;
  /** Do not report a 401 to the unauthenticated handler (login, session probe). */
  quiet401?: boolean;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': language,
  };
  const init: RequestInit = {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers,
  };
  if (options.body !== undefined) {
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
    if (error.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
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
  /** `GET /api/v1/auth/me`: the signed-in user, or 401. */
  me: () => request<User>(`${V1}/auth/me`, { quiet401: true }),

  /** `GET /api/v1/config`: case types, forms, stages, option lists, locations. */
  config: () => request<Config>(`${V1}/config`),

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
  /** `POST /api/v1/cases`: 201 with the new case, 422 with field errors. */
  createCase: (body: CreateCaseRequest) => request<Case>(`${V1}/cases`, { method: 'POST', body }),
  /** `GET /api/v1/cases/{id}`. */
  getCase: (id: string) => request<Case>(`${V1}/cases/${encodeURIComponent(id)}`),
  /** `PATCH /api/v1/cases/{id}`: only the changed fields; 409 when `version` is stale. */
  updateCase: (id: string, body: UpdateCaseRequest) =>
    request<Case>(`${V1}/cases/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
};
