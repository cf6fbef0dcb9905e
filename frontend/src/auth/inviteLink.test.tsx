import { render } from "@testing-library/react";
import { Redirect } from "../router";
import { interviewInviteHref, readInterviewInvite } from "./inviteLink";

test("the invite token is read from the fragment", () => {
  expect(readInterviewInvite("/invite/interview", "#token=abc_DEF-123")).toEqual({ token: "abc_DEF-123", legacy: false });
  expect(readInterviewInvite("/invite/interview", "")).toEqual({ token: null, legacy: false });
  expect(readInterviewInvite("/invite", "#token=abc")).toBeNull();
  expect(readInterviewInvite("/interview/42", "")).toBeNull();
});

test("an older link with the token in its path is rewritten to the fragment form", () => {
  history.replaceState(null, "", "/invite/old-token_123");
  const invite = readInterviewInvite(location.pathname, location.hash);
  expect(invite).toEqual({ token: "old-token_123", legacy: true });
  render(<Redirect to={interviewInviteHref(invite!.token!)} />);
  expect(location.pathname).toBe("/invite/interview");
  expect(location.hash).toBe("#token=old-token_123");
  // Replaced, not pushed: the old address is not left in the history.
  expect(history.length).toBe(1);
});
