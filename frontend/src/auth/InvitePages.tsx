// Invite links: /invite/{token} for interviews, /invite#token=... for organisation members.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { navigate } from "../router";
import { AuthForms, ErrorNote, Field } from "./AuthForms";
import { useSession } from "./session";

export function InterviewInvitePage({ token }: { token: string }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!user) return;
    api.acceptInterviewInvite(token).then(
      (interview) => navigate(`/interview/${interview.id}`, true),
      (e: Error) => setError(e.message),
    );
  }, [user, token]);
  return (
    <section className="narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">{t("inviteTitle")}</h1>
      {user ? (
        error ? <ErrorNote error={error} /> : <p role="status">{t("inviteAccepting")}</p>
      ) : (
        <>
          <p>{t("inviteSignInFirst")}</p>
          <AuthForms initialMode="register" onSignedIn={() => undefined} />
        </>
      )}
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
