import type { AuditEvent, Organisation, User } from "../api/client";
import { translator } from "../i18n";
import { describeSubject } from "./AdminPage";

const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
  id: "e1", actor_id: "a1", actor_email: "recruiter@example.com", actor_role: "recruiter", action: "report.viewed",
  subject_type: "report", subject_id: "0123456789abcdef", organisation_id: "o1", details: {}, created_at: "2026-01-01T00:00:00Z", ...overrides,
});
const noUsers: User[] = [];
const noOrganisations: Organisation[] = [];

test("the server's name for a subject is worded in the reader's language", () => {
  const cases: [Partial<AuditEvent>, string, string][] = [
    [{ subject_label: "ada@example.com" }, "report of ada@example.com", "ada@example.com의 리포트"],
    [{ subject_type: "interview", subject_label: "ada@example.com" }, "interview of ada@example.com", "ada@example.com의 면접"],
    [{ subject_type: "user", subject_label: "ada@example.com" }, "user ada@example.com", "사용자 ada@example.com"],
    [{ subject_type: "job", subject_label: "Backend engineer" }, "job Backend engineer", "채용 공고 Backend engineer"],
    [{ subject_type: "organisation", subject_label: "Acme" }, "organisation Acme", "조직 Acme"],
    [{ subject_type: "invite", subject_label: "new@example.com" }, "invite for new@example.com", "new@example.com 초대"],
  ];
  for (const [overrides, english, korean] of cases) {
    expect(describeSubject(event(overrides), noUsers, noOrganisations, translator("en"))).toBe(english);
    expect(describeSubject(event(overrides), noUsers, noOrganisations, translator("ko"))).toBe(korean);
  }
});

test("without a name from the server the kind and the id's start are shown", () => {
  // No name: the reader may not see it (another organisation's), or the subject is gone.
  for (const subject_label of [null, undefined]) {
    expect(describeSubject(event({ subject_label }), noUsers, noOrganisations, translator("en"))).toBe("report 01234567");
  }
  expect(describeSubject(event({ subject_type: "retention", subject_label: "x" }), noUsers, noOrganisations, translator("en"))).toBe("retention 01234567");
});
