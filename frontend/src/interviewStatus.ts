// How an interview's status is named on every screen: a label in the user's language, never
// the raw status key.
import type { InterviewStatus } from "./api/client";
import type { MessageKey } from "./i18n";

export const INTERVIEW_STATUS_LABELS: Record<InterviewStatus, MessageKey> = {
  scheduled: "interviewStatusScheduled",
  in_progress: "interviewStatusInProgress",
  completed: "interviewStatusCompleted",
  abandoned: "interviewStatusAbandoned",
  expired: "interviewStatusExpired",
  cancelled: "interviewStatusCancelled",
};
