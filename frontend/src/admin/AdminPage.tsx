// Administration: users and roles, organisations with recruiter invites, the audit log.
import { useEffect, useState, type FormEvent } from "react";
import { api, type AuditEvent, type Organisation, type User } from "../api/client";
import { ErrorNote, Field } from "../auth/AuthForms";
import { CopyableLink } from "../CopyableLink";
import { formErrors, NO_ERRORS, type FormErrors } from "../formErrors";
import { useI18n } from "../i18n";

const ROLES = ["candidate", "recruiter", "admin"] as const;
// The server's limits (accounts/schemas.py).
const MAX_ORGANISATION_NAME = 200;
const MAX_EMAIL = 320;

export function AdminPage() {
  const { t } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [organisations, setOrganisations] = useState<Organisation[]>([]);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [action, setAction] = useState("");
  const [error, setError] = useState<string | null>(null);
  const fail = (e: Error) => setError(e.message);
  useEffect(() => {
    api.listUsers().then(setUsers, fail);
    api.listOrganisations().then(setOrganisations, fail);
  }, []);
  useEffect(() => {
    api.auditLog(action || undefined).then(setEvents, fail);
  }, [action]);
  return (
    <div className="stack">
      <h1>{t("navAdmin")}</h1>
      <ErrorNote error={error} />
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">{t("usersTitle")}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("email")}</th>
              <th scope="col">{t("fullName")}</th>
              <th scope="col">{t("role")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.full_name}</td>
                <td>
                  <select
                    aria-label={`${t("role")}: ${u.email}`}
                    value={u.role}
                    onChange={(e) =>
                      api.changeRole(u.id, { role: e.target.value as User["role"], organisation_id: u.organisation_id }).then((changed) => setUsers(users.map((x) => (x.id === changed.id ? changed : x))), fail)
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Organisations organisations={organisations} onCreated={(o) => setOrganisations([...organisations, o])} />
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">{t("auditTitle")}</h2>
        <div className="field">
          <label htmlFor="audit-action">{t("filterAction")}</label>
          <input id="audit-action" value={action} onChange={(e) => setAction(e.target.value)} />
        </div>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("when")}</th>
              <th scope="col">{t("action")}</th>
              <th scope="col">{t("actor")}</th>
              <th scope="col">{t("subject")}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.created_at).toLocaleString()}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.actor_email ?? e.actor_id ?? "—"}</td>
                <td>
                  {e.subject_type} {e.subject_id}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function Organisations({ organisations, onCreated }: { organisations: Organisation[]; onCreated: (o: Organisation) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [inviteEmail, setInviteEmail] = useState("");
  const [inviteOrg, setInviteOrg] = useState("");
  const [invited, setInvited] = useState<{ url: string; email: string } | null>(null);
  // Each form's errors sit next to its own inputs.
  const [createErrors, setCreateErrors] = useState<FormErrors>(NO_ERRORS);
  const [inviteErrors, setInviteErrors] = useState<FormErrors>(NO_ERRORS);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreateErrors(NO_ERRORS);
    try {
      onCreated(await api.createOrganisation({ name, emotion_analysis: "off" }));
      setName("");
    } catch (e) {
      setCreateErrors(formErrors(e, (field) => field === "name", t("checkFields")));
    }
  };
  const invite = async (event: FormEvent) => {
    event.preventDefault();
    setInviteErrors(NO_ERRORS);
    try {
      const created = await api.inviteToOrganisation(inviteOrg, { email: inviteEmail, as_owner: false });
      setInvited({ url: created.accept_url, email: created.email });
    } catch (e) {
      setInviteErrors(formErrors(e, (field) => field === "email", t("checkFields")));
    }
  };
  return (
    <section className="card" aria-labelledby="orgs-title">
      <h2 id="orgs-title">{t("organisationsTitle")}</h2>
      <ul>
        {organisations.map((o) => (
          <li key={o.id}>
            {o.name} <small>({o.emotion_analysis})</small>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={create}>
        <Field label={t("organisationName")} name="organisation-name" value={name} onChange={setName} maxLength={MAX_ORGANISATION_NAME} counter error={createErrors.fields.name} />
        <button type="submit">{t("create")}</button>
      </form>
      <ErrorNote error={createErrors.general} />
      <h3>{t("inviteRecruiter")}</h3>
      <form className="row" onSubmit={invite}>
        <div className="field">
          <label htmlFor="invite-org">{t("organisationsTitle")}</label>
          <select id="invite-org" required value={inviteOrg} onChange={(e) => setInviteOrg(e.target.value)}>
            <option value="" />
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <Field label={t("email")} name="invite-email" type="email" value={inviteEmail} onChange={setInviteEmail} maxLength={MAX_EMAIL} error={inviteErrors.fields.email} />
        <button type="submit">{t("create")}</button>
      </form>
      {invited && (
        <p className="notice success">
          ✓ {t("inviteMailed", { email: invited.email })} <CopyableLink url={invited.url} />
        </p>
      )}
      <ErrorNote error={inviteErrors.general} />
    </section>
  );
}
