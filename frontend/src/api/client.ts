// The typed API client: request and response types come from the generated schema.d.ts.
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type User = Schemas["UserRead"];
export type Job = Schemas["JobRead"];
export type JobCreate = Schemas["JobCreate"];
export type Competency = Schemas["Competency"];
export type Interview = Schemas["InterviewRead"];
export type InterviewState = Schemas["InterviewState"];
export type InterviewStatus = Schemas["InterviewStatus"];
export type InvitePreview = Schemas["InvitePreview"];
export type Turn = Schemas["TurnRead"];
export type TokenResponse = Schemas["TokenResponse"];
export type Organisation = Schemas["OrganisationRead"];
export type AuditEvent = Schemas["AuditEventRead"];
export type Consent = Schemas["Consent"];
export type DataExport = Schemas["DataExport"];
export type DataDeletionResult = Schemas["DataDeletionResult"];

const API = "/api/v1";
const TOKENS_KEY = "interview.tokens";

/** One input the server refused: `field` is its path in the request body ("title",
 * "competencies.0.name"), empty when the problem is with the body as a whole. */
export interface FieldProblem {
  field: string;
  message: string;
  type?: string | null;
}

/** An API failure in words: problem+json `detail` and `code` when the server sent them, and the
 * fields it refused (the `errors` of a 422) so a form can show each next to its input. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = "error",
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The server's message about one field, if it named that field. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((problem) => problem.field === field)?.message;
  }
}

const LOCATIONS = new Set(["body", "query", "path", "header", "cookie"]);

/** ["body", "competencies", 0, "name"] -> "competencies.0.name"; a bare body (or the position of
 * unreadable JSON in it) names no field. */
function fieldPath(loc: readonly (string | number)[]): string {
  const rest = LOCATIONS.has(String(loc[0])) ? loc.slice(1) : [...loc];
  return typeof rest[0] === "string" ? rest.join(".") : "";
}

/** Pydantic's wording as a sentence: "Value error, not an email address" -> "Not an email address." */
function plainMessage(msg: string): string {
  const text = msg.replace(/^(Value|Assertion) error, /, "").trim();
  if (!text) return text;
  // "title, description: leave a field out…" starts with field names: those keep their case.
  const sentence = /^[a-z_]+[,:]/.test(text) ? text : text[0].toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Field problems in one line, each naming its field: "title: String should have at most 200 characters." */
export function describeFields(fields: readonly FieldProblem[]): string {
  return fields.map((problem) => (problem.field ? `${problem.field}: ${problem.message}` : problem.message)).join(" ");
}

// Problems that concern one input without the server naming it in `errors`.
const FIELD_OF_CODE: Record<string, string> = { "weak-password": "password" };

interface Tokens {
  access: string;
  refresh: string;
}

export const tokenStore = {
  get(): Tokens | null {
    const raw = localStorage.getItem(TOKENS_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  },
  set(response: TokenResponse): void {
    localStorage.setItem(TOKENS_KEY, JSON.stringify({ access: response.access_token, refresh: response.refresh_token }));
  },
  clear(): void {
    localStorage.removeItem(TOKENS_KEY);
  },
};

async function toError(response: Response): Promise<ApiError> {
  let body: { detail?: unknown; code?: string; errors?: unknown; field?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return new ApiError(response.status, response.statusText || `HTTP ${response.status}`);
  }
  const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  const errors = Array.isArray(body.errors) ? (body.errors as Schemas["FieldError"][]) : [];
  let fields: FieldProblem[] = errors.map((error) => ({ field: fieldPath(error.loc ?? []), message: plainMessage(String(error.msg ?? "")), type: error.type }));
  // A domain 422 names its input in `field` ("model_id"); some codes concern one input by nature.
  const field = typeof body.field === "string" && body.field ? body.field : body.code ? FIELD_OF_CODE[body.code] : undefined;
  if (field && fields.length === 0 && detail) fields = [{ field, message: detail, type: body.code }];
  // "The request does not match the schema." names nothing: say which fields and why instead.
  const message = body.code === "invalid-input" && fields.length > 0 ? describeFields(fields) : detail || response.statusText;
  return new ApiError(response.status, message || `HTTP ${response.status}`, body.code, fields);
}

let refreshing: Promise<boolean> | null = null;

/** Exchange the refresh token once for all concurrent callers; false when the session is over. */
async function refreshTokens(): Promise<boolean> {
  const tokens = tokenStore.get();
  if (!tokens) return false;
  refreshing ??= fetch(`${API}/auth/refresh`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: tokens.refresh }),
  })
    .then(async (response) => {
      if (!response.ok) {
        tokenStore.clear();
        return false;
      }
      tokenStore.set((await response.json()) as TokenResponse);
      return true;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export function authHeaders(): Record<string, string> {
  const tokens = tokenStore.get();
  return tokens ? { Authorization: `Bearer ${tokens.access}` } : {};
}

/** fetch with the access token, refreshed once on 401. */
export async function authorisedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = () => fetch(`${API}${path}`, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  let response = await send();
  if (response.status === 401 && (await refreshTokens())) response = await send();
  return response;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await authorisedFetch(path, init);
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Multipart upload with progress (fetch cannot report upload progress). */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  const attempt = () =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `${API}${path}`);
      for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
      xhr.onerror = () => reject(new ApiError(0, "network"));
      xhr.send(form);
    });
  return attempt()
    .then(async (result) => (result.status === 401 && (await refreshTokens()) ? attempt() : result))
    .then((result) => {
      if (result.status >= 200 && result.status < 300) {
        onProgress(1);
        return JSON.parse(result.text) as T;
      }
      return toError(new Response(result.text, { status: result.status })).then((error) => Promise.reject(error));
    });
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};

export const api = {
  login: async (body: Schemas["LoginRequest"]) => {
    const tokens = await request<TokenResponse>("POST", "/auth/login", body);
    tokenStore.set(tokens);
    return tokens;
  },
  register: (body: Schemas["RegisterRequest"]) => request<Schemas["RegistrationAccepted"]>("POST", "/auth/register", body),
  /** Open a registration's e-mail link with the password chosen: the account exists and is signed in. */
  verifyEmail: async (body: Schemas["EmailVerification"]) => {
    const tokens = await request<TokenResponse>("POST", "/auth/verify-email", body);
    tokenStore.set(tokens);
    return tokens;
  },
  logout: () => request<void>("POST", "/auth/logout").finally(() => tokenStore.clear()),
  exportMyData: () => request<DataExport>("GET", "/me/data"),
  deleteMyData: (currentPassword: string) =>
    request<DataDeletionResult>("DELETE", "/me/data", { current_password: currentPassword }),
  me: () => request<User>("GET", "/users/me"),
  updateMe: (body: Schemas["ProfileUpdate"]) => request<User>("PATCH", "/users/me", body),

  acceptOrganisationInvite: (body: Schemas["interview_core__accounts__schemas__InviteAccept"]) =>
    request<User>("POST", "/invites/accept", body),
  /** One page of accounts; `search` matches part of the e-mail or name, ignoring case. */
  listUsers: (page: { search?: string; role?: string; limit: number; offset: number }) =>
    request<User[]>("GET", `/admin/users${query({ search: page.search?.trim(), role: page.role, limit: page.limit, offset: page.offset })}`),
  changeRole: (userId: string, body: Schemas["RoleChange"]) => request<User>("PUT", `/admin/users/${userId}/role`, body),
  listOrganisations: () => request<Organisation[]>("GET", "/organisations"),
  createOrganisation: (body: Schemas["OrganisationCreate"]) => request<Organisation>("POST", "/organisations", body),
  updateOrganisation: (organisationId: string, body: Schemas["OrganisationUpdate"]) =>
    request<Organisation>("PATCH", `/organisations/${organisationId}`, body),
  inviteToOrganisation: (organisationId: string, body: Schemas["InviteCreate"]) =>
    request<Schemas["InviteCreated"]>("POST", `/organisations/${organisationId}/invites`, body),
  auditLog: (action?: string) => request<AuditEvent[]>("GET", `/audit${query({ action, limit: 100 })}`),

  listJobs: () => request<Job[]>("GET", "/jobs?limit=100"),
  createJob: (body: JobCreate) => request<Job>("POST", "/jobs", body),
  updateJob: (jobId: string, body: Schemas["JobUpdate"]) => request<Job>("PATCH", `/jobs/${jobId}`, body),

  listInterviews: (filters: { status?: string; search?: string; job_id?: string }) =>
    request<Interview[]>("GET", `/interviews${query({ ...filters, limit: 100 })}`),
  createInterview: (body: Schemas["InterviewCreate"]) => request<Schemas["InterviewCreated"]>("POST", "/interviews", body),
  cancelInterview: (id: string) => request<Interview>("POST", `/interviews/${id}/cancel`),
  previewInterviewInvite: (token: string) => request<InvitePreview>("POST", "/interviews/invite-preview", { token }),
  acceptInterviewInvite: (token: string) => request<Interview>("POST", "/interviews/accept", { token }),
  state: (id: string, waitS = 0) => request<InterviewState>("GET", `/interviews/${id}${query({ wait_s: waitS || undefined })}`),
  turns: (id: string) => request<Turn[]>("GET", `/interviews/${id}/turns`),
  start: (id: string, consent: Consent) => request<InterviewState>("POST", `/interviews/${id}/start`, consent),
  answerText: (id: string, turnId: string, body: Schemas["TextAnswer"]) =>
    request<Schemas["AnswerAccepted"]>("POST", `/interviews/${id}/turns/${turnId}/answer`, body),
  answerAudio: (id: string, turnId: string, audio: Blob, idempotencyKey: string, onProgress: (f: number) => void) => {
    const form = new FormData();
    const extension = audio.type.includes("ogg") ? "ogg" : audio.type.includes("mp4") ? "mp4" : "webm";
    form.append("audio", audio, `answer.${extension}`);
    form.append("idempotency_key", idempotencyKey);
    return upload<Schemas["AnswerAccepted"]>(`/interviews/${id}/turns/${turnId}/audio`, form, onProgress);
  },
  uploadFrames: (id: string, turnId: string, frames: { sequence: number; seconds: number; jpeg: Blob }[]) => {
    const form = new FormData();
    for (const frame of frames) form.append("frames", frame.jpeg, `frame-${frame.sequence}.jpg`);
    form.append("sequences", frames.map((f) => f.sequence).join(","));
    form.append("timestamps", frames.map((f) => f.seconds.toFixed(3)).join(","));
    return request<Schemas["FramesAccepted"]>("POST", `/interviews/${id}/turns/${turnId}/frames`, form);
  },
};

export function newIdempotencyKey(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

export type Report = Schemas["ReportRead"];
export type ReportContent = Schemas["ReportContent"];
export type Recommendation = Schemas["DecisionCreate"]["decision"];

export const reports = {
  get: (interviewId: string) => request<Report>("GET", `/interviews/${interviewId}/report`),
  decide: (interviewId: string, body: Schemas["DecisionCreate"]) => request<Report>("POST", `/interviews/${interviewId}/report/decision`, body),
  /** Files need the Authorization header, so they are fetched and handed over as a blob. */
  download: async (path: string, filename: string) => {
    const response = await authorisedFetch(path);
    if (!response.ok) throw await toError(response);
    const url = URL.createObjectURL(await response.blob());
    const link = Object.assign(document.createElement("a"), { href: url, download: filename });
    link.click();
    URL.revokeObjectURL(url);
  },
  /** A spoken answer's recording: an <audio src> cannot send the Authorization header, so the
   * caller plays the blob through an object URL. */
  answerAudio: async (interviewId: string, turnId: string) => {
    const response = await authorisedFetch(`/interviews/${interviewId}/turns/${turnId}/audio`);
    if (!response.ok) throw await toError(response);
    return response.blob();
  },
};

export type ModelsOverview = Schemas["ModelsOverview"];
export type ModelSlot = Schemas["ModelSlotRead"];
export type Adapter = Schemas["AdapterRead"];
export type AdapterCreate = Schemas["AdapterCreate"];
export type TrainingHyperParameters = Schemas["TrainingHyperParameters"];
export type TrainingDataset = Schemas["TrainingDatasetRead"];
export type AllowedModel = Schemas["AllowedModel"];

/** Model operations, for platform admins: the allow-list, the question slot, the workers' models. */
export const modelOps = {
  overview: () => request<ModelsOverview>("GET", "/admin/models"),
  /** `null`: the workers' configured model. */
  load: (modelId: string | null) => request<ModelSlot>("POST", "/admin/models/questions/load", { model_id: modelId }),
  warmUp: () => request<ModelSlot>("POST", "/admin/models/questions/warm-up"),
  unload: () => request<ModelSlot>("POST", "/admin/models/questions/unload"),
};

/** Fine-tuning: an organisation's adapters, their benchmark, and which one its interviews use. */
export const training = {
  /** The allow-listed models adapters train on. */
  baseModels: () => request<AllowedModel[]>("GET", "/training/base-models"),
  listAdapters: (organisationId: string) => request<Adapter[]>("GET", `/training/adapters${query({ organisation_id: organisationId })}`),
  /** Hyper-parameters left out take the server's defaults. */
  train: (body: Omit<AdapterCreate, "hyper_parameters"> & { hyper_parameters?: Partial<TrainingHyperParameters> }) =>
    request<Adapter>("POST", "/training/adapters", body),
  cancel: (adapterId: string) => request<Adapter>("POST", `/training/adapters/${adapterId}/cancel`),
  rerunBenchmark: (adapterId: string) => request<Adapter>("POST", `/training/adapters/${adapterId}/benchmark`),
  /** `null`: the base model. */
  activate: (organisationId: string, adapterId: string | null) =>
    request<Schemas["ActiveAdapterRead"]>("PUT", `/training/organisations/${organisationId}/active-adapter`, { adapter_id: adapterId }),
  /** `null`: the organisation's choice. */
  setJobAdapter: (jobId: string, adapterId: string | null) =>
    request<Schemas["JobAdapterRead"]>("PUT", `/training/jobs/${jobId}/adapter`, { adapter_id: adapterId }),
};

export type InterviewFeedback = Schemas["InterviewFeedback"];
export type QuestionFeedback = Schemas["QuestionFeedbackRead"];
export type ScoreFeedback = Schemas["ScoreFeedbackRead"];

const turnPath = (interviewId: string, turnId: string) => `/interviews/${interviewId}/turns/${turnId}`;
const datasetsPath = (organisationId: string) => `/organisations/${organisationId}/training-datasets`;

/** Recruiters' verdicts on an interview's questions and scores, and the datasets made from them. */
export const feedback = {
  get: (interviewId: string) => request<InterviewFeedback>("GET", `/interviews/${interviewId}/feedback`),
  putQuestion: (interviewId: string, turnId: string, body: Schemas["QuestionFeedbackPut"]) =>
    request<QuestionFeedback>("PUT", `${turnPath(interviewId, turnId)}/question-feedback`, body),
  deleteQuestion: (interviewId: string, turnId: string) => request<void>("DELETE", `${turnPath(interviewId, turnId)}/question-feedback`),
  putScore: (interviewId: string, turnId: string, competency: string, body: Schemas["ScoreFeedbackPut"]) =>
    request<ScoreFeedback>("PUT", `${turnPath(interviewId, turnId)}/score-feedback/${encodeURIComponent(competency)}`, body),
  deleteScore: (interviewId: string, turnId: string, competency: string) =>
    request<void>("DELETE", `${turnPath(interviewId, turnId)}/score-feedback/${encodeURIComponent(competency)}`),
  listDatasets: (organisationId: string) => request<TrainingDataset[]>("GET", datasetsPath(organisationId)),
  createDataset: (organisationId: string, body: Schemas["TrainingDatasetCreate"]) => request<TrainingDataset>("POST", datasetsPath(organisationId), body),
  /** The JSONL export, as a download (it needs the Authorization header). */
  downloadDataset: (organisationId: string, dataset: TrainingDataset) =>
    reports.download(`${datasetsPath(organisationId)}/${dataset.id}/export.jsonl`, `training-dataset-v${dataset.version}.jsonl`),
};
