// The e-mail confirmation link: /verify-email#token=... (in the fragment, so the token never
// reaches a server log or a Referer header). The password chosen at registration is asked again,
// so a link opened by someone who did not register creates nothing.
import { useState, type FormEvent } from "react";
import type { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { navigate } from "../router";
import { AuthForms, ErrorNote, Field } from "./AuthForms";
import { useSession } from "./session";

export function VerifyEmailPage({ token }: { token: string | null }) {
  const { completeRegistration } = useSession();
  return <VerifyEmailView token={token} onConfirm={(password) => completeRegistration(token ?? "", password)} onDone={() => navigate("/", true)} />;
}

export interface VerifyEmailViewProps {
  token: string | null;
  onConfirm: (password: string) => Promise<unknown>;
  onDone: () => void;
}

export function VerifyEmailView({ token, onConfirm, onDone }: VerifyEmailViewProps) {
  const { t } = useI18n();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm(password);
      onDone();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  // A link that cannot work any more: offer what can (sign in once used, register once expired).
  const used = error?.code === "verification-used" || error?.code === "already-registered";
  const dead = error?.code === "verification-expired" || error?.code === "verification-invalid";
  return (
    <section className="narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("verifyTitle")}</h1>
      {!token ? (
        <ErrorNote error={t("verifyMissing")} />
      ) : used || dead ? (
        <>
          <ErrorNote error={error?.message ?? null} />
          <AuthForms initialMode={used ? "login" : "register"} onSignedIn={onDone} />
        </>
      ) : (
        <form className="card" onSubmit={submit}>
          <p>{t("verifyIntro")}</p>
          <Field label={t("password")} name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
          <ErrorNote error={error?.message ?? null} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("working") : t("verifySubmit")}
          </button>
        </form>
      )}
    </section>
  );
}
