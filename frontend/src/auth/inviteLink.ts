// Interview invite links carry their token in the fragment (`/invite/interview#token=...`),
// which browsers never send to a server: it stays out of access logs, proxies and Referer
// headers. Links e-mailed before that (`/invite/{token}`) still work: the app rewrites them
// to the fragment form at once, so the token leaves the address bar and the history.

export const INTERVIEW_INVITE_PATH = "/invite/interview";

export function interviewInviteHref(token: string): string {
  return `${INTERVIEW_INVITE_PATH}#token=${encodeURIComponent(token)}`;
}

/** The invite token of this address, and whether it came in the older path form. */
export function readInterviewInvite(path: string, hash: string): { token: string | null; legacy: boolean } | null {
  if (path === INTERVIEW_INVITE_PATH) return { token: new URLSearchParams(hash.slice(1)).get("token"), legacy: false };
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 2 && parts[0] === "invite") return { token: decodeURIComponent(parts[1]), legacy: true };
  return null;
}
