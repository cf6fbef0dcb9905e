// Sign-in and registration; both can be embedded in the invite page.
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { useSession } from "./session";

export function Field(props: { label: string; name: string; type?: string; value: string; onChange: (v: string) => void; hint?: string; autoComplete?: string; required?: boolean }) {
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

export function AuthForms({ initialMode = "login", initialEmail = "", onSignedIn }: { initialMode?: "login" | "register"; initialEmail?: string; onSignedIn: () => void }) {
  const { t, language } = useI18n();
  const { signIn } = useSession();
  const [mode, setMode] = useState(initialMode);
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [fullName, setFullName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "register") await api.register({ email, password, full_name: fullName, preferred_language: language });
      await signIn(email, password);
      onSignedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth-form" onSubmit={submit} aria-labelledby="auth-title">
      <h2 id="auth-title">{mode === "login" ? t("signIn") : t("register")}</h2>
      {mode === "register" && <Field label={t("fullName")} name="full_name" value={fullName} onChange={setFullName} autoComplete="name" />}
      <Field label={t("email")} name="email" type="email" value={email} onChange={setEmail} autoComplete="email" />
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
