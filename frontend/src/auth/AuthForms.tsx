// Sign-in and registration; both can be embedded in the invite page.
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { formErrors, NO_ERRORS, type FormErrors } from "../formErrors";
import { useI18n } from "../i18n";
import { useSession } from "./session";

// The server's limits (accounts/schemas.py). A password is not cut short: a pasted one would
// silently differ from what was meant; passwordHint states its limits instead.
const MAX_EMAIL = 320;
const MAX_FULL_NAME = 200;
const AUTH_FIELDS = new Set(["email", "password", "full_name"]);

export interface FieldProps {
  label: string;
  name: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  autoComplete?: string;
  required?: boolean;
  readOnly?: boolean;
  /** The server's message about this field, shown under it. */
  error?: string;
  /** The server's limit: typing stops there. */
  maxLength?: number;
  /** Show "n / maxLength" under the input. */
  counter?: boolean;
  /** A textarea of this many rows instead of a one-line input. */
  rows?: number;
}

export function Field(props: FieldProps) {
  const id = `field-${props.name}`;
  const counter = props.counter && props.maxLength !== undefined;
  const described = [props.hint && `${id}-hint`, counter && `${id}-count`, props.error && `${id}-error`].filter(Boolean).join(" ");
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required ?? true,
    readOnly: props.readOnly,
    maxLength: props.maxLength,
    "aria-invalid": props.error ? true : undefined,
    "aria-describedby": described || undefined,
  };
  return (
    <div className={props.error ? "field invalid" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      {props.rows ? (
        <textarea {...common} rows={props.rows} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input {...common} type={props.type ?? "text"} autoComplete={props.autoComplete} onChange={(e) => props.onChange(e.target.value)} />
      )}
      {props.hint && (
        <small id={`${id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
      {counter && <CharCount id={`${id}-count`} length={props.value.length} max={props.maxLength ?? 0} />}
      {props.error && (
        <small id={`${id}-error`} className="field-error">
          {props.error}
        </small>
      )}
    </div>
  );
}

/** "12 / 200 characters", marked once nine tenths of the limit are used. */
export function CharCount({ id, length, max }: { id: string; length: number; max: number }) {
  const { t } = useI18n();
  return (
    <small id={id} className={length >= max * 0.9 ? "char-count near-limit" : "char-count"}>
      {t("charCount", { count: length.toLocaleString(), max: max.toLocaleString() })}
    </small>
  );
}

export function ErrorNote({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="notice error" role="alert">
      <span aria-hidden="true">✕</span> {error}
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
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const [mailedTo, setMailedTo] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(NO_ERRORS);
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
      setErrors(formErrors(e, (field) => AUTH_FIELDS.has(field), t("checkFields")));
    } finally {
      setBusy(false);
    }
  };
  const switchMode = () => {
    setErrors(NO_ERRORS);
    setMode(mode === "login" ? "register" : "login");
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
      {mode === "register" && (
        <Field label={t("fullName")} name="full_name" value={fullName} onChange={setFullName} autoComplete="name" maxLength={MAX_FULL_NAME} error={errors.fields.full_name} />
      )}
      <Field
        label={t("email")}
        name="email"
        type="email"
        value={email}
        onChange={setEmail}
        autoComplete="email"
        readOnly={lockedEmail !== undefined}
        maxLength={MAX_EMAIL}
        error={errors.fields.email}
      />
      <Field
        label={t("password")}
        name="password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete={mode === "login" ? "current-password" : "new-password"}
        hint={mode === "register" ? t("passwordHint") : undefined}
        error={errors.fields.password}
      />
      <ErrorNote error={errors.general} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t("working") : mode === "login" ? t("signIn") : t("register")}
      </button>
      <button type="button" className="link" onClick={switchMode}>
        {mode === "login" ? t("noAccount") : t("haveAccount")}
      </button>
    </form>
  );
}
