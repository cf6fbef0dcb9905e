// Sign-in and registration; both can be embedded in the invite page.
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { useSession } from "./session";

export function Field(props: { label: string; name: string; type?: string; value: string; onChange: (v: string) => void; hint?: string; autoComplete?: string; required?: boolean; readOnly?: boolean }) {
  const id = `field-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required ?? true}
        readOnly={props.readOnly}
        autoComplete={props.autoComplete}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <small id={`${id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function ErrorNote({ error }: { error: string | null }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      ✕ {t("errorPrefix")} {error}
    </p>
  );
}

/** After registering: the account exists once the link mailed to the address is opened. */
export function CheckYourMail({ email, onBack }: { email: string; onBack: () => void }) {
  const { t } = useI18n();
  return (
    <section className="card auth-form" aria-labelledby="check-mail-title">
      <h2 id="check-mail-title">{t("checkMailTitle")}</h2>
      <p role="status">{t("checkMailBody", { email })}</p>
      <p className="hint">{t("checkMailHint")}</p>
      <button type="button" className="link" onClick={onBack}>
        {t("backToSignIn")}
      </button>
    </section>
  );
}

export function AuthForms({
  initialMode = "login",
  initialEmail = "",
  lockedEmail,
  inviteToken,
  onSignedIn,
}: {
  initialMode?: "login" | "register";
  initialEmail?: string;
  /** The address an invitation was sent to: shown, not editable. */
  lockedEmail?: string;
  /** Registering with an interview's invite token creates the account for its address at once. */
  inviteToken?: string;
  onSignedIn: () => void;
}) {
  const { t, language } = useI18n();
  const { signIn } = useSession();
  const [mode, setMode] = useState(initialMode);
  const [email, setEmail] = useState(lockedEmail ?? initialEmail);
  const [password, setPassword] = useState("");
  const [fullName, setFullName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [mailedTo, setMailedTo] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "register") {
        await api.register({ email, password, full_name: fullName, preferred_language: language, invite_token: inviteToken });
        // The answer is the same whatever happened: with an invite for this address the account
        // now exists and signing in works; otherwise the next step is in the mail.
        const signedIn = inviteToken ? await signIn(email, password).then(() => true, () => false) : false;
        if (!signedIn) {
          setMailedTo(email);
          return;
        }
      } else await signIn(email, password);
      onSignedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (mailedTo)
    return (
      <CheckYourMail
        email={mailedTo}
        onBack={() => {
          setMailedTo(null);
          setPassword("");
          setMode("login");
        }}
      />
    );
  return (
    <form className="card auth-form" onSubmit={submit} aria-labelledby="auth-title">
      <h2 id="auth-title">{mode === "login" ? t("signIn") : t("register")}</h2>
      {mode === "register" && <Field label={t("fullName")} name="full_name" value={fullName} onChange={setFullName} autoComplete="name" />}
      <Field label={t("email")} name="email" type="email" value={email} onChange={setEmail} autoComplete="email" readOnly={lockedEmail !== undefined} />
      <Field
        label={t("password")}
        name="password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete={mode === "login" ? "current-password" : "new-password"}
        hint={mode === "register" ? t("passwordHint") : undefined}
      />
      <ErrorNote error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t("working") : mode === "login" ? t("signIn") : t("register")}
      </button>
      <button type="button" className="link" onClick={() => setMode(mode === "login" ? "register" : "login")}>
        {mode === "login" ? t("noAccount") : t("haveAccount")}
      </button>
    </form>
  );
}
