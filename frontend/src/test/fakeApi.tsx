// Shared set-up of page tests that talk to the API: a fake fetch that answers "METHOD /path" from a
// table, and a render in a chosen language that waits for the page's first requests to settle.
import { act, render } from "@testing-library/react";
import type { ReactElement } from "react";
import { vi } from "vitest";
import { I18nProvider, type Language } from "../i18n";

export type Reply = { status: number; body?: unknown };

/** The API as the browser sees it: "METHOD /path" answers with a status and a JSON body. */
export function serve(replies: Record<string, Reply>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const key = `${init?.method ?? "GET"} ${String(input).replace("/api/v1", "")}`;
    const reply = replies[key] ?? { status: 404, body: { detail: "not found", code: "not-found" } };
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status,
      headers: { "Content-Type": reply.status >= 400 ? "application/problem+json" : "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

export type FetchMock = ReturnType<typeof serve>;

/** Lets pending fetches resolve and the state updates they cause render. */
export async function settle() {
  await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

/** A page in the given language, once its first requests have been answered. */
export async function renderPage(page: ReactElement, language: Language = "en") {
  render(<I18nProvider language={language}>{page}</I18nProvider>);
  await settle();
}

/** For afterEach: the real fetch back, and no language or session left over for the next test. */
export function resetFakeApi() {
  vi.unstubAllGlobals();
  localStorage.clear();
}
