// Invite links: /invite/interview#token=... for interviews (auth/inviteLink.ts), /invite#token=... for organisation members.
import { useEffect, useState, type FormEvent } from "react";
import { api, type ApiError, type InvitePreview } from "../api/client";
import { useI18n } from "../i18n";
import { navigate } from "../router";
import { AuthForms, ErrorNote, Field } from "./AuthForms";
import { useSession } from "./session";

export function InterviewInvitePage({ token }: { token: string }) {
  const { user, signOut } = useSession();
  const [preview, setPreview] = useState<InvitePreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [acceptError, setAcceptError] = useState<string | null>(null);
  useEffect(() => {
    api.previewInterviewInvite(token).then(setPreview, (e: ApiError) => setPreviewError(e.status === 404 ? "invalid" : e.message));
  }, [token]);
  // Accepted only by the account with the address the invitation was sent to; any other
  // account is offered to sign out instead (the server would refuse it too).
  useEffect(() => {
    if (!user || !preview || user.email !== preview.candidate_email) return;
    api.acceptInterviewInvite(token).then(
      (interview) => navigate(`/interview/${interview.id}`, true),
      (e: Error) => setAcceptError(e.message),
    );
  }, [user, preview, token]);
  return (
    <InterviewInviteView
      token={token}
      preview={preview}
      previewError={previewError}
      acceptError={acceptError}
      signedInAs={user?.email ?? null}
      onSignOut={() => void signOut().then(() => setAcceptError(null))}
    />
  );
}

export interface InterviewInviteViewProps {
  token: string;
  preview: InvitePreview | null;
  /** "invalid" for a link naming no invitation, else the error's text. */
  previewError: string | null;
  acceptError: string | null;
  signedInAs: string | null;
  onSignOut: () => void;
}

export function InterviewInviteView({ token, preview, previewError, acceptError, signedInAs, onSignOut }: InterviewInviteViewProps) {
  const { t } = useI18n();
  const signOutButton = (
    <button type="button" onClick={onSignOut}>
      {t("inviteSignInAsOther")}
    </button>
  );
  let body;
  if (previewError) body = <ErrorNote error={previewError === "invalid" ? t("inviteInvalid") : previewError} />;
  else if (!preview) body = <p role="status">{t("loading")}</p>;
  else if (signedInAs && signedInAs !== preview.candidate_email)
    body = (
      <div className="card">
        <p role="alert">{t("inviteOtherAccount", { invited: preview.candidate_email, current: signedInAs })}</p>
        {signOutButton}
      </div>
    );
  else if (signedInAs)
    body = acceptError ? (
      <>
        <ErrorNote error={acceptError} />
        {signOutButton}
      </>
    ) : (
      <p role="status">{t("inviteAccepting")}</p>
    );
  else
    body = (
      <>
        <p>{t("inviteSentTo", { email: preview.candidate_email })}</p>
        <AuthForms
          key={preview.candidate_email}
          initialMode={preview.accepted ? "login" : "register"}
          lockedEmail={preview.candidate_email}
          inviteToken={token}
          onSignedIn={() => undefined}
        />
      </>
    );
  return (
    <section className="narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">{t("inviteTitle")}</h1>
      {preview && (
        <p className="meta">
          {t("inviteContext", {
            organisation: preview.organisation_name,
            job: preview.job_title,
            count: preview.question_count,
            language: preview.language === "ko" ? t("languageNameKo") : t("languageNameEn"),
          })}
        </p>
      )}
      {body}
    </section>
  );
}

export function OrganisationInvitePage({ token }: { token: string | null }) {
  const { t, language } = useI18n();
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  if (!token) return <ErrorNote error={t("inviteMissing")} />;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.acceptOrganisationInvite({ token, full_name: fullName, password, preferred_language: language });
      setDone(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="narrow" aria-labelledby="org-invite-title">
      <h1 id="org-invite-title">{t("orgInviteTitle")}</h1>
      {done ? (
        <>
          <p role="status">✓ {t("orgInviteDone")}</p>
          <AuthForms onSignedIn={() => navigate("/", true)} />
        </>
      ) : (
        <form className="card" onSubmit={submit}>
          <Field label={t("fullName")} name="full_name" value={fullName} onChange={setFullName} />
          <Field label={t("password")} name="password" type="password" value={password} onChange={setPassword} hint={t("passwordHint")} />
          <ErrorNote error={error} />
          <button type="submit" className="primary">
            {t("orgInviteJoin")}
          </button>
        </form>
      )}
    </section>
  );
}
