import { fireEvent, screen, within } from "@testing-library/react";
import type { AuditEvent, Organisation, User } from "../api/client";
import { renderPage, resetFakeApi, serve, settle, type FetchMock, type Reply } from "../test/fakeApi";
import { AdminPage, USERS_PAGE_SIZE } from "./AdminPage";

/** The paths and bodies sent with one method, in order. */
function sent(fetchMock: FetchMock, method: string): { path: string; body: unknown }[] {
  return fetchMock.mock.calls
    .filter(([, init]) => (init?.method ?? "GET") === method)
    .map(([input, init]) => ({ path: String(input).replace("/api/v1", ""), body: init?.body ? JSON.parse(String(init.body)) : undefined }));
}

const user = (n: number, overrides: Partial<User> = {}): User => ({
  id: `u${n}`, email: `user${n}@example.com`, full_name: `User ${n}`, role: "candidate", organisation_id: null,
  is_active: true, preferred_language: "en", created_at: "2026-01-01T00:00:00Z", ...overrides,
});

const acme: Organisation = {
  id: "o1", name: "Acme", emotion_analysis: "off", frames_retention_days: 30, audio_retention_days: 90,
  transcripts_retention_days: 365, embeddings_retention_days: null, owner_id: null, created_at: "2026-01-01T00:00:00Z",
};

const FIRST_PAGE = `GET /admin/users?limit=${USERS_PAGE_SIZE}&offset=0`;
const fullPage = Array.from({ length: USERS_PAGE_SIZE }, (_, i) => user(i + 1));

/** Replies every admin page needs, plus the test's own. */
const baseReplies = (extra: Record<string, Reply> = {}): Record<string, Reply> => ({
  [FIRST_PAGE]: { status: 200, body: [user(1)] },
  "GET /organisations": { status: 200, body: [acme] },
  "GET /audit?limit=100": { status: 200, body: [] },
  ...extra,
});

const renderAdmin = (language: "en" | "ko" = "en") => renderPage(<AdminPage />, language);

afterEach(resetFakeApi);

test("the search is sent to the server and starts again at the first page", async () => {
  const fetchMock = serve(
    baseReplies({ [`GET /admin/users?search=ada%40x&limit=${USERS_PAGE_SIZE}&offset=0`]: { status: 200, body: [user(7, { email: "ada@x.io" })] } }),
  );
  await renderAdmin();
  fireEvent.change(screen.getByLabelText("Search by e-mail or name"), { target: { value: "  ada@x " } });
  fireEvent.click(screen.getByRole("button", { name: "Search" }));
  await settle();
  expect(sent(fetchMock, "GET").map((call) => call.path)).toContain(`/admin/users?search=ada%40x&limit=${USERS_PAGE_SIZE}&offset=0`);
  expect(screen.getByText("ada@x.io")).toBeTruthy();
  expect(screen.queryByText("user1@example.com")).toBeNull();
});

test("next and previous move the offset by a page and say which page is shown", async () => {
  const fetchMock = serve(
    baseReplies({
      [FIRST_PAGE]: { status: 200, body: fullPage },
      [`GET /admin/users?limit=${USERS_PAGE_SIZE}&offset=${USERS_PAGE_SIZE}`]: { status: 200, body: [user(99)] },
    }),
  );
  await renderAdmin();
  const previous = screen.getByRole<HTMLButtonElement>("button", { name: "Previous" });
  expect(previous.disabled).toBe(true);
  expect(screen.getByText("Page 1")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Next" }));
  await settle();
  expect(sent(fetchMock, "GET").map((call) => call.path)).toContain(`/admin/users?limit=${USERS_PAGE_SIZE}&offset=${USERS_PAGE_SIZE}`);
  expect(screen.getByText("Page 2")).toBeTruthy();
  expect(screen.getByText("user99@example.com")).toBeTruthy();
  // A short page is the last one.
  expect(screen.getByRole<HTMLButtonElement>("button", { name: "Next" }).disabled).toBe(true);
  fireEvent.click(previous);
  await settle();
  expect(screen.getByText("Page 1")).toBeTruthy();
  expect(screen.getByText("user20@example.com")).toBeTruthy();
});

test("promoting to recruiter needs an organisation, asks first, then sends it", async () => {
  const promoted = user(1, { role: "recruiter", organisation_id: "o1" });
  const fetchMock = serve(baseReplies({ "PUT /admin/users/u1/role": { status: 200, body: promoted } }));
  await renderAdmin();
  fireEvent.change(screen.getByLabelText("Role: user1@example.com"), { target: { value: "recruiter" } });
  expect(screen.getByText("A recruiter belongs to an organisation: choose one.")).toBeTruthy();
  expect(screen.queryByRole("button", { name: "Change role: user1@example.com" })).toBeNull();
  fireEvent.change(screen.getByLabelText("Organisation"), { target: { value: "o1" } });
  fireEvent.click(screen.getByRole("button", { name: "Change role: user1@example.com" }));
  const question = screen.getByRole("group", { name: "Make user1@example.com a recruiter of Acme? Their current sign-ins end." });
  // Nothing is sent before the admin agrees.
  expect(sent(fetchMock, "PUT")).toEqual([]);
  fireEvent.click(within(question).getByRole("button", { name: "Yes, change it" }));
  await settle();
  expect(sent(fetchMock, "PUT")).toEqual([{ path: "/admin/users/u1/role", body: { role: "recruiter", organisation_id: "o1" } }]);
  expect(screen.queryByRole("button", { name: "Change role: user1@example.com" })).toBeNull();
});

test("backing out of a role change sends nothing", async () => {
  const fetchMock = serve(baseReplies());
  await renderAdmin();
  fireEvent.change(screen.getByLabelText("Role: user1@example.com"), { target: { value: "admin" } });
  fireEvent.click(screen.getByRole("button", { name: "Change role: user1@example.com" }));
  const question = screen.getByRole("group", { name: "Make user1@example.com an admin? Their current sign-ins end." });
  fireEvent.click(within(question).getByRole("button", { name: "Cancel" }));
  expect(sent(fetchMock, "PUT")).toEqual([]);
});

test("a refused organisation is shown by its select", async () => {
  serve(
    baseReplies({
      "PUT /admin/users/u1/role": {
        status: 422,
        body: {
          type: "https://interview.local/problems/invalid-input", title: "Invalid input", status: 422, detail: "No such organisation.",
          code: "unknown-organisation", errors: [{ loc: ["body", "organisation_id"], msg: "no such organisation", type: "unknown-organisation" }],
        },
      },
    }),
  );
  await renderAdmin();
  fireEvent.change(screen.getByLabelText("Role: user1@example.com"), { target: { value: "recruiter" } });
  fireEvent.change(screen.getByLabelText("Organisation"), { target: { value: "o1" } });
  fireEvent.click(screen.getByRole("button", { name: "Change role: user1@example.com" }));
  fireEvent.click(screen.getByRole("button", { name: "Yes, change it" }));
  await settle();
  expect(screen.getByLabelText("Organisation").getAttribute("aria-invalid")).toBe("true");
  expect(screen.getByText("No such organisation.")).toBeTruthy();
});

test("organisation settings are told in words and saved with errors by the field", async () => {
  const fetchMock = serve(
    baseReplies({
      "PATCH /organisations/o1": {
        status: 422,
        body: {
          type: "https://interview.local/problems/invalid-input", title: "Invalid input", status: 422, detail: "The request does not match the schema.",
          code: "invalid-input", errors: [{ loc: ["body", "audio_retention_days"], msg: "Input should be less than or equal to 3650", type: "less_than_equal" }],
        },
      },
    }),
  );
  await renderAdmin();
  expect(screen.getByText("Expression analysis: off — candidates are not asked and nothing is analysed.")).toBeTruthy();
  expect(screen.getByText("Camera pictures: kept 30 days")).toBeTruthy();
  expect(screen.getByText("Answer embeddings (for search): kept until deleted by hand")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Edit settings: Acme" }));
  fireEvent.change(screen.getByLabelText("Expression analysis"), { target: { value: "observe" } });
  fireEvent.change(screen.getByLabelText("Audio recordings"), { target: { value: "5000" } });
  fireEvent.click(screen.getByRole("button", { name: "Save" }));
  await settle();
  expect(sent(fetchMock, "PATCH")).toEqual([
    {
      path: "/organisations/o1",
      body: { emotion_analysis: "observe", frames_retention_days: 30, audio_retention_days: 5000, transcripts_retention_days: 365, embeddings_retention_days: null },
    },
  ]);
  expect(screen.getByLabelText("Audio recordings").getAttribute("aria-invalid")).toBe("true");
  expect(screen.getByText("Input should be less than or equal to 3650.")).toBeTruthy();
  expect(screen.getByText("Check the fields marked above.")).toBeTruthy();
});

test("the audit log names actors by e-mail and subjects by what they are", async () => {
  const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
    id: `e-${overrides.subject_id}`, actor_id: "a1", actor_email: "admin@example.com", actor_role: "admin", action: "user.role_changed",
    subject_type: "user", subject_id: "u1", organisation_id: null, details: {}, created_at: "2026-01-01T00:00:00Z", ...overrides,
  });
  serve(
    baseReplies({
      "GET /audit?limit=100": {
        status: 200,
        body: [event({}), event({ subject_type: "organisation", subject_id: "o1" }), event({ subject_type: "report", subject_id: "0123456789abcdef", actor_email: null, actor_id: null })],
      },
    }),
  );
  await renderAdmin();
  const audit = within(screen.getByRole("region", { name: "Audit log" }));
  expect(audit.getAllByText("admin@example.com")).toHaveLength(2);
  expect(audit.getByText("user user1@example.com")).toBeTruthy();
  expect(audit.getByText("organisation Acme")).toBeTruthy();
  expect(audit.getByText("report 01234567")).toBeTruthy();
  expect(audit.getByText("System")).toBeTruthy();
});

test("audit actions read as words, and the filter offers them by name", async () => {
  const decided: AuditEvent = {
    id: "e1", actor_id: "a1", actor_email: "rec@example.com", actor_role: "recruiter", action: "report.decided",
    subject_type: "report", subject_id: "r1", organisation_id: "o1", details: {}, created_at: "2026-01-01T00:00:00Z",
  };
  const fetchMock = serve(
    baseReplies({
      "GET /audit?limit=100": { status: 200, body: [decided, { ...decided, id: "e2", action: "something.new" }] },
      "GET /audit?action=report.decided&limit=100": { status: 200, body: [decided] },
    }),
  );
  await renderAdmin();
  const audit = within(screen.getByRole("region", { name: "Audit log" }));
  const cell = audit.getByRole("cell", { name: "Decision recorded" });
  // The code stays at hand for whoever searches the logs for it.
  expect(cell.getAttribute("title")).toBe("report.decided");
  // An action this page has no words for is still shown.
  expect(audit.getByRole("cell", { name: "something.new" })).toBeTruthy();
  fireEvent.change(audit.getByLabelText("Filter by action"), { target: { value: "report.decided" } });
  await settle();
  expect(sent(fetchMock, "GET").map((call) => call.path)).toContain("/audit?action=report.decided&limit=100");
  expect(audit.queryByRole("cell", { name: "something.new" })).toBeNull();
});

test("audit actions are named in Korean", async () => {
  serve(
    baseReplies({
      "GET /audit?limit=100": {
        status: 200,
        body: [{ id: "e1", actor_id: null, actor_email: null, actor_role: null, action: "user.role_changed", subject_type: "user", subject_id: "u1", organisation_id: null, details: {}, created_at: "2026-01-01T00:00:00Z" }],
      },
    }),
  );
  await renderAdmin("ko");
  expect(screen.getByRole("cell", { name: "역할 변경" })).toBeTruthy();
  expect(screen.getByRole("option", { name: "모든 작업" })).toBeTruthy();
});

test("the Korean page has its own words", async () => {
  serve(baseReplies());
  await renderAdmin("ko");
  expect(screen.getByLabelText("이메일 또는 이름으로 검색")).toBeTruthy();
  expect(screen.getByText("1페이지")).toBeTruthy();
  expect(screen.getByText("표정 분석: 끔 — 지원자에게 묻지 않으며 아무것도 분석하지 않습니다.")).toBeTruthy();
});
