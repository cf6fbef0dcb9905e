import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { Interview } from "../api/client";
import { I18nProvider } from "../i18n";
import { InterviewsPage } from "./InterviewsPage";

const interview = {
  id: "i1", job_id: "j1", candidate_id: null, candidate_email: "casey@example.com", status: "scheduled", created_at: "2026-01-01T00:00:00Z",
} as unknown as Interview;

function serve() {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace("/api/v1", "");
    const method = init?.method ?? "GET";
    let body: unknown = [];
    if (method === "POST" && path === "/interviews/i1/cancel") body = { ...interview, status: "cancelled" };
    else if (path.startsWith("/interviews")) body = [interview];
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
  expect(await screen.findByText("cancelled", { selector: ".badge" })).toBeTruthy();
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
