import { fireEvent, render, screen } from "@testing-library/react";
import { App } from "./App";

function open(path: string) {
  history.replaceState(null, "", path);
  render(<App />);
}

afterEach(() => {
  localStorage.clear();
  history.replaceState(null, "", "/");
});

test("an unknown address shows a not-found page with a link home, not the home page", () => {
  open("/no-such-page");
  expect(screen.getByRole("heading", { name: "Page not found" })).toBeTruthy();
  expect(screen.queryByRole("heading", { name: "Sign in" })).toBeNull();
  fireEvent.click(screen.getByRole("link", { name: "Go to the home page" }));
  expect(location.pathname).toBe("/");
  expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
});

test("the not-found page speaks Korean when Korean is chosen", () => {
  localStorage.setItem("interview.language", "ko");
  open("/interview/abc/extra");
  expect(screen.getByRole("heading", { name: "페이지를 찾을 수 없습니다" })).toBeTruthy();
  expect(screen.getByRole("link", { name: "홈으로 이동" }).getAttribute("href")).toBe("/");
});

test.each(["/", "/jobs", "/jobs/", "/training", "/admin", "/admin/models", "/interviews", "/interviews/abc/report", "/interview/abc"])("%s is a page (sign-in first)", (path) => {
  open(path);
  expect(screen.getByRole("heading", { name: "Sign in" })).toBeTruthy();
  expect(screen.queryByRole("heading", { name: "Page not found" })).toBeNull();
});
