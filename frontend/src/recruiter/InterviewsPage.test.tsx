import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Job, Schemas } from "../api/client";
import { I18nProvider } from "../i18n";
import { InterviewsPage } from "./InterviewsPage";

type Row = Schemas["RecruiterInterviewRead"];

const interview = {
  id: "i1", job_id: "j1", candidate_id: null, candidate_email: "casey@example.com", status: "scheduled", created_at: "2026-01-01T00:00:00Z",
  stage_count: 15, answered_stages: 0, candidate_name: null, report_status: null, weighted_score: null, recommendation: null, decision: null,
} as unknown as Row;

// A row for each way the report column reads: scored, not validated, still being evaluated.
const scored = {
  ...interview, id: "i2", job_id: "j2", candidate_id: "u2", candidate_email: "kim@example.com", candidate_name: "Kim Minji", status: "completed",
  answered_stages: 15, report_status: "ready", weighted_score: 4.25, recommendation: "advance", decision: "hold",
} as Row;
const notValidated = {
  ...interview, id: "i3", candidate_email: "lee@example.com", candidate_name: "Lee Joon", status: "completed", answered_stages: 15, report_status: "ready",
} as Row;
const inProgress = {
  ...interview, id: "i4", candidate_email: "park@example.com", candidate_name: "Park Sora", status: "in_progress", answered_stages: 7, report_status: "pending",
  weighted_score: 3.5,
} as Row;

const jobs = [
  { id: "j1", title: "Backend engineer" },
  { id: "j2", title: "Data engineer" },
] as Job[];

function serve(rows: Row[] = [interview]) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace("/api/v1", "");
    const method = init?.method ?? "GET";
    let body: unknown = [];
    // The cancel answer is the plain interview, without the list's triage fields.
    if (method === "POST" && path === "/interviews/i1/cancel") body = { id: "i1", job_id: "j1", candidate_email: "casey@example.com", status: "cancelled", stage_count: 15 };
    else if (path.startsWith("/jobs")) body = jobs;
    else if (path.startsWith("/interviews")) body = rows;
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

const cancelCalls = (fetchMock: ReturnType<typeof serve>) => fetchMock.mock.calls.filter(([, init]) => init?.method === "POST");

afterEach(() => {
  vi.unstubAllGlobals();
});

test("cancelling an interview is a danger action that asks first, and Keep sends nothing", async () => {
  const fetchMock = serve();
  render(
    <I18nProvider language="en">
      <InterviewsPage />
    </I18nProvider>,
  );
  const cancel = await screen.findByRole("button", { name: "Cancel the interview with casey@example.com" });
  expect(cancel.classList.contains("danger")).toBe(true);

  fireEvent.click(cancel);
  const question = screen.getByRole("group", { name: /Cancel the interview with casey@example.com\? .*cannot be undone/ });
  expect(question).toBeTruthy();
  expect(cancelCalls(fetchMock)).toHaveLength(0);
  const keep = screen.getByRole("button", { name: "Keep the interview" });
  expect(document.activeElement).toBe(keep);
  fireEvent.click(keep);
  expect(screen.queryByRole("group")).toBeNull();
  expect(cancelCalls(fetchMock)).toHaveLength(0);

  fireEvent.click(screen.getByRole("button", { name: "Cancel the interview with casey@example.com" }));
  const confirm = screen.getByRole("button", { name: "Yes, cancel it" });
  expect(confirm.classList.contains("danger")).toBe(true);
  fireEvent.click(confirm);
  await waitFor(() => expect(cancelCalls(fetchMock)).toHaveLength(1));
  expect(String(cancelCalls(fetchMock)[0][0])).toBe("/api/v1/interviews/i1/cancel");
  // Cancelled: the status changes and there is nothing left to cancel.
  expect(await screen.findByText("Cancelled", { selector: ".badge" })).toBeTruthy();
  // The row keeps what the list said about it.
  expect(screen.getByText("0/15")).toBeTruthy();
  expect(screen.queryByRole("button", { name: /Cancel the interview/ })).toBeNull();
});

test("Escape backs out of the confirmation", async () => {
  const fetchMock = serve();
  render(
    <I18nProvider language="en">
      <InterviewsPage />
    </I18nProvider>,
  );
  fireEvent.click(await screen.findByRole("button", { name: "Cancel the interview with casey@example.com" }));
  fireEvent.keyDown(screen.getByRole("button", { name: "Keep the interview" }), { key: "Escape" });
  expect(screen.queryByRole("group")).toBeNull();
  expect(cancelCalls(fetchMock)).toHaveLength(0);
});

const rowOf = (text: string) => screen.getByText(text).closest("tr") as HTMLElement;

test("each row shows who, the job, progress, a status of its own, the report's score and recommendation, and the decision", async () => {
  serve([scored, notValidated, inProgress, interview]);
  render(
    <I18nProvider language="en">
      <InterviewsPage />
    </I18nProvider>,
  );
  await screen.findByText("Kim Minji");
  const headers = screen.getAllByRole("columnheader").map((h) => h.textContent);
  expect(headers.slice(0, 6)).toEqual(["Candidate", "Job", "Progress", "Status", "Score / recommendation", "Decision"]);

  const kim = within(rowOf("Kim Minji"));
  expect(kim.getByText("kim@example.com").className).toBe("candidate-email");
  expect(await kim.findByText("Data engineer")).toBeTruthy();
  expect(kim.getByText("15/15")).toBeTruthy();
  expect(kim.getByText("15 of 15 questions answered")).toBeTruthy();
  expect(kim.getByText("Completed").className).toBe("badge status-completed");
  expect(kim.getByText("4.3 / 5 · Advance")).toBeTruthy();
  expect(kim.getByText("Hold")).toBeTruthy();

  // Not validated: the report has no number and no recommendation, and neither has the list.
  const lee = within(rowOf("Lee Joon"));
  expect(lee.getByText("Not scored")).toBeTruthy();
  expect(lee.queryByText(/\/ 5/)).toBeNull();

  // Still being evaluated: a partial score is not shown as if it were the result.
  const park = within(rowOf("Park Sora"));
  expect(park.getByText("7/15")).toBeTruthy();
  expect(park.getByText("In progress").className).toBe("badge status-in_progress");
  expect(park.getByText("Pending")).toBeTruthy();
  expect(park.queryByText(/3\.5/)).toBeNull();

  // Nobody has accepted the invite yet: the e-mail is all there is, and no report.
  const casey = within(rowOf("casey@example.com"));
  expect(casey.getByText("Scheduled").className).toBe("badge status-scheduled");
  expect(casey.getAllByText("—").length).toBe(2);
});

test("the job filter asks the server for that job's interviews", async () => {
  const fetchMock = serve();
  render(
    <I18nProvider language="en">
      <InterviewsPage />
    </I18nProvider>,
  );
  const filter = await screen.findByRole("combobox", { name: "Job" });
  await within(filter).findByRole("option", { name: "Data engineer" });
  fireEvent.change(filter, { target: { value: "j2" } });
  await waitFor(() => expect(fetchMock.mock.calls.some(([url]) => String(url).includes("/interviews?job_id=j2"))).toBe(true));
});

test("statuses, columns and the report's words are in Korean", async () => {
  serve([scored, inProgress]);
  render(
    <I18nProvider language="ko">
      <InterviewsPage />
    </I18nProvider>,
  );
  const kim = within((await screen.findByText("Kim Minji")).closest("tr") as HTMLElement);
  expect(kim.getByText("완료")).toBeTruthy();
  expect(kim.getByText("4.3 / 5 · 다음 단계")).toBeTruthy();
  expect(kim.getByText("보류")).toBeTruthy();
  expect(within(rowOf("Park Sora")).getByText("진행 중")).toBeTruthy();
  expect(screen.getByRole("columnheader", { name: "점수 / 추천" })).toBeTruthy();
  expect(screen.getByRole("option", { name: "진행 중" })).toBeTruthy();
  expect(screen.getByRole("option", { name: "전체 공고" })).toBeTruthy();
});
