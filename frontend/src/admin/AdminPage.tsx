// Administration: users and roles, organisations with their privacy settings and recruiter
// invites, the audit log.
import { useEffect, useState, type FormEvent } from "react";
import { api, type AuditEvent, type Organisation, type User } from "../api/client";
import { ErrorNote, Field } from "../auth/AuthForms";
import { ConfirmButton } from "../ConfirmButton";
import { CopyableLink } from "../CopyableLink";
import { formErrors, NO_ERRORS, type FormErrors } from "../formErrors";
import { useI18n, type MessageKey, type Translate } from "../i18n";

type Role = User["role"];
type EmotionAnalysis = Organisation["emotion_analysis"];
const ROLES: readonly Role[] = ["candidate", "recruiter", "admin"];
const ROLE_LABEL: Record<Role, MessageKey> = { candidate: "roleCandidate", recruiter: "roleRecruiter", admin: "roleAdmin" };
// The server's limits (accounts/schemas.py).
const MAX_ORGANISATION_NAME = 200;
const MAX_EMAIL = 320;
const MAX_RETENTION_DAYS = 3650;
// Users shown per page; "next" is offered while a page comes back full.
export const USERS_PAGE_SIZE = 20;
const RETENTION_FIELDS = ["frames_retention_days", "audio_retention_days", "transcripts_retention_days", "embeddings_retention_days"] as const;
type RetentionField = (typeof RETENTION_FIELDS)[number];
const RETENTION_LABEL: Record<RetentionField, MessageKey> = {
  frames_retention_days: "retentionFrames",
  audio_retention_days: "retentionAudio",
  transcripts_retention_days: "retentionTranscripts",
  embeddings_retention_days: "retentionEmbeddings",
};

// The actions the server records (record_audit calls), in words; an action not listed here is
// shown by its code, so a new one is never hidden.
const AUDIT_ACTIONS: Record<string, MessageKey> = {
  "user.role_changed": "auditActionRoleChanged",
  "organisation.created": "auditActionOrganisationCreated",
  "organisation.settings_changed": "auditActionSettingsChanged",
  "invite.created": "auditActionInviteCreated",
  "invite.accepted": "auditActionInviteAccepted",
  "report.viewed": "auditActionReportViewed",
  "report.summary_viewed": "auditActionSummaryViewed",
  "report.exported": "auditActionReportExported",
  "report.decided": "auditActionReportDecided",
  "report.regenerated": "auditActionReportRegenerated",
  "answer_audio.played": "auditActionAudioPlayed",
  "privacy.data_exported": "auditActionDataExported",
  "privacy.data_deleted": "auditActionDataDeleted",
  "privacy.candidate_interviews_deleted": "auditActionCandidateInterviewsDeleted",
  "retention.enforced": "auditActionRetentionEnforced",
  "model.load": "auditActionModelLoad",
  "model.unload": "auditActionModelUnload",
  "adapter.train": "auditActionAdapterTrain",
  "adapter.cancel": "auditActionAdapterCancel",
  "adapter.activate": "auditActionAdapterActivate",
  "adapter.select_for_job": "auditActionAdapterSelectForJob",
  "training_dataset.created": "auditActionTrainingDatasetCreated",
  "training_dataset.exported": "auditActionTrainingDatasetExported",
};

/** "Role changed", or the code itself for an action this page has no words for. */
export function describeAction(action: string, t: Translate): string {
  const key = AUDIT_ACTIONS[action];
  return key ? t(key) : action;
}

export function AdminPage() {
  const { t } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [searchText, setSearchText] = useState("");
  // The search the list shows; it changes when the search form is sent, not on every key.
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [organisations, setOrganisations] = useState<Organisation[]>([]);
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [action, setAction] = useState("");
  const [error, setError] = useState<string | null>(null);
  const fail = (e: Error) => setError(e.message);
  useEffect(() => {
    api.listOrganisations().then(setOrganisations, fail);
  }, []);
  useEffect(() => {
    api.listUsers({ search, limit: USERS_PAGE_SIZE, offset }).then(setUsers, fail);
  }, [search, offset]);
  useEffect(() => {
    api.auditLog(action || undefined).then(setEvents, fail);
  }, [action]);
  const runSearch = (event: FormEvent) => {
    event.preventDefault();
    setSearch(searchText.trim());
    setOffset(0);
  };
  const replaceUser = (changed: User) => setUsers((shown) => shown.map((x) => (x.id === changed.id ? changed : x)));
  const replaceOrganisation = (changed: Organisation) => setOrganisations((shown) => shown.map((o) => (o.id === changed.id ? changed : o)));
  const page = Math.floor(offset / USERS_PAGE_SIZE) + 1;
  return (
    <div className="stack">
      <h1>{t("navAdmin")}</h1>
      <ErrorNote error={error} />
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">{t("usersTitle")}</h2>
        <form className="row" role="search" onSubmit={runSearch}>
          <div className="field">
            <label htmlFor="user-search">{t("userSearch")}</label>
            <input id="user-search" type="search" value={searchText} maxLength={MAX_EMAIL} onChange={(e) => setSearchText(e.target.value)} />
          </div>
          <button type="submit">{t("searchButton")}</button>
        </form>
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
              <UserRow key={u.id} user={u} organisations={organisations} onChanged={replaceUser} />
            ))}
          </tbody>
        </table>
        {users.length === 0 && <p className="hint">{search ? t("noUsersFound", { search }) : t("noUsers")}</p>}
        <nav className="row pager" aria-label={t("usersPages")}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - USERS_PAGE_SIZE))}>
            {t("previousPage")}
          </button>
          <span aria-live="polite">{t("pageNumber", { page })}</span>
          <button type="button" disabled={users.length < USERS_PAGE_SIZE} onClick={() => setOffset(offset + USERS_PAGE_SIZE)}>
            {t("nextPage")}
          </button>
        </nav>
      </section>
      <Organisations organisations={organisations} onCreated={(o) => setOrganisations([...organisations, o])} onChanged={replaceOrganisation} />
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">{t("auditTitle")}</h2>
        <div className="field">
          <label htmlFor="audit-action">{t("filterAction")}</label>
          {/* The server filters on the exact code: a choice of the known ones, named in words. */}
          <select id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t("allActions")}</option>
            {Object.keys(AUDIT_ACTIONS).map((code) => (
              <option key={code} value={code}>
                {describeAction(code, t)}
              </option>
            ))}
          </select>
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
                <td title={e.action}>{describeAction(e.action, t)}</td>
                <td>{e.actor_email ?? (e.actor_id ? t("auditDeletedActor") : t("auditSystemActor"))}</td>
                <td title={e.subject_id ?? undefined}>{describeSubject(e, users, organisations, t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

// How each kind of subject is worded around the name the server gives it (subject_label).
const SUBJECT_PHRASE: Partial<Record<string, (name: string, t: Translate) => string>> = {
  report: (email, t) => t("auditSubjectReport", { email }),
  interview: (email, t) => t("auditSubjectInterview", { email }),
  user: (email, t) => t("auditSubjectUser", { email }),
  invite: (email, t) => t("auditSubjectInvite", { email }),
  job: (title, t) => t("auditSubjectJob", { title }),
  organisation: (name, t) => t("auditSubjectOrganisation", { name }),
};

/** "report of ada@example.com", "user ada@example.com", "organisation Acme": by the server's name
 * for the subject (given only where the reader may see it), else by the users and organisations
 * this page has loaded, else the kind and the id's first characters. */
export function describeSubject(event: AuditEvent, users: readonly User[], organisations: readonly Organisation[], t: Translate): string {
  const id = event.subject_id;
  if (!id) return event.subject_type;
  const phrase = SUBJECT_PHRASE[event.subject_type];
  if (phrase && event.subject_label) return phrase(event.subject_label, t);
  const user = event.subject_type === "user" ? users.find((u) => u.id === id) : undefined;
  if (user) return t("auditSubjectUser", { email: user.email });
  const organisation = event.subject_type === "organisation" ? organisations.find((o) => o.id === id) : undefined;
  if (organisation) return t("auditSubjectOrganisation", { name: organisation.name });
  return `${event.subject_type} ${id.slice(0, 8)}`;
}

/** One account: its role, and a change asked about before it is sent. */
function UserRow({ user, organisations, onChanged }: { user: User; organisations: Organisation[]; onChanged: (u: User) => void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(user.role);
  const [organisationId, setOrganisationId] = useState(user.organisation_id ?? "");
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  // Only recruiters belong to an organisation (accounts/service.py).
  const targetOrganisation = role === "recruiter" ? organisationId : "";
  const changed = role !== user.role || targetOrganisation !== (user.organisation_id ?? "");
  const organisationName = organisations.find((o) => o.id === targetOrganisation)?.name ?? "";
  const question =
    role === "recruiter"
      ? t("confirmMakeRecruiter", { email: user.email, organisation: organisationName })
      : t(role === "admin" ? "confirmMakeAdmin" : "confirmMakeCandidate", { email: user.email });
  const apply = async () => {
    setErrors(NO_ERRORS);
    try {
      onChanged(await api.changeRole(user.id, { role, organisation_id: targetOrganisation || null }));
    } catch (e) {
      setErrors(formErrors(e, (field) => field === "organisation_id" || field === "role", t("checkFields")));
    }
  };
  const selectId = `organisation-of-${user.id}`;
  const organisationError = errors.fields.organisation_id;
  return (
    <tr>
      <td>{user.email}</td>
      <td>{user.full_name}</td>
      <td>
        <div className="role-change">
          <select
            aria-label={`${t("role")}: ${user.email}`}
            aria-invalid={errors.fields.role ? true : undefined}
            value={role}
            onChange={(e) => {
              setRole(e.target.value as Role);
              setErrors(NO_ERRORS);
            }}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABEL[r])}
              </option>
            ))}
          </select>
          {role === "recruiter" && (
            <div className={organisationError ? "field invalid" : "field"}>
              <label htmlFor={selectId}>{t("roleOrganisation")}</label>
              <select
                id={selectId}
                value={organisationId}
                aria-invalid={organisationError ? true : undefined}
                aria-describedby={organisationError ? `${selectId}-error` : undefined}
                onChange={(e) => setOrganisationId(e.target.value)}
              >
                <option value="">{t("chooseOrganisation")}</option>
                {organisations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
              {organisationError && (
                <small id={`${selectId}-error`} className="field-error">
                  {organisationError}
                </small>
              )}
            </div>
          )}
          {changed &&
            (role === "recruiter" && !organisationId ? (
              <small className="hint">{t("roleNeedsOrganisation")}</small>
            ) : (
              <ConfirmButton label={t("applyRole")} ariaLabel={`${t("applyRole")}: ${user.email}`} question={question} confirmLabel={t("applyRoleConfirm")} onConfirm={apply} />
            ))}
          {errors.fields.role && <small className="field-error">{errors.fields.role}</small>}
          <ErrorNote error={errors.general} />
        </div>
      </td>
    </tr>
  );
}

/** "Camera pictures: kept 30 days" or "...: kept until deleted by hand". */
function retentionInWords(field: RetentionField, days: number | null, t: Translate): string {
  const kept = days === null ? t("retentionKeptForever") : t("retentionKeptDays", { days });
  return `${t(RETENTION_LABEL[field])}: ${kept}`;
}

function Organisations({
  organisations,
  onCreated,
  onChanged,
}: {
  organisations: Organisation[];
  onCreated: (o: Organisation) => void;
  onChanged: (o: Organisation) => void;
}) {
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
      <ul className="organisation-list">
        {organisations.map((o) => (
          <OrganisationItem key={o.id} organisation={o} onChanged={onChanged} />
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

/** An organisation's privacy settings in words, and a form to change them. */
function OrganisationItem({ organisation, onChanged }: { organisation: Organisation; onChanged: (o: Organisation) => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [analysis, setAnalysis] = useState<EmotionAnalysis>(organisation.emotion_analysis);
  // Text as typed; empty means "keep until deleted by hand" (null on the wire).
  const [retention, setRetention] = useState<Record<RetentionField, string>>(() => retentionTexts(organisation));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const startEditing = () => {
    setAnalysis(organisation.emotion_analysis);
    setRetention(retentionTexts(organisation));
    setErrors(NO_ERRORS);
    setEditing(true);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(NO_ERRORS);
    const days = (text: string) => (text.trim() === "" ? null : Number(text));
    try {
      const changed = await api.updateOrganisation(organisation.id, {
        emotion_analysis: analysis,
        frames_retention_days: days(retention.frames_retention_days),
        audio_retention_days: days(retention.audio_retention_days),
        transcripts_retention_days: days(retention.transcripts_retention_days),
        embeddings_retention_days: days(retention.embeddings_retention_days),
      });
      onChanged(changed);
      setEditing(false);
    } catch (e) {
      setErrors(formErrors(e, (field) => field === "emotion_analysis" || (RETENTION_FIELDS as readonly string[]).includes(field), t("checkFields")));
    }
  };
  const analysisId = `analysis-${organisation.id}`;
  return (
    <li className="organisation">
      <strong>{organisation.name}</strong>
      <p className="hint">{organisation.emotion_analysis === "observe" ? t("analysisObserveInWords") : t("analysisOffInWords")}</p>
      <ul className="hint">
        {RETENTION_FIELDS.map((field) => (
          <li key={field}>{retentionInWords(field, organisation[field], t)}</li>
        ))}
      </ul>
      {!editing ? (
        <button type="button" aria-label={`${t("editSettings")}: ${organisation.name}`} onClick={startEditing}>
          {t("editSettings")}
        </button>
      ) : (
        <form className="stack" aria-label={`${t("editSettings")}: ${organisation.name}`} onSubmit={save}>
          <div className={errors.fields.emotion_analysis ? "field invalid" : "field"}>
            <label htmlFor={analysisId}>{t("analysisSetting")}</label>
            <select id={analysisId} value={analysis} aria-describedby={`${analysisId}-hint`} onChange={(e) => setAnalysis(e.target.value as EmotionAnalysis)}>
              <option value="off">{t("analysisOff")}</option>
              <option value="observe">{t("analysisObserve")}</option>
            </select>
            <small id={`${analysisId}-hint`} className="hint">
              {analysis === "off" && organisation.emotion_analysis === "observe" ? t("analysisOffErases") : t("analysisNeverScored")}
            </small>
            {errors.fields.emotion_analysis && <small className="field-error">{errors.fields.emotion_analysis}</small>}
          </div>
          <div className="row">
            {RETENTION_FIELDS.map((field) => (
              <Field
                key={field}
                label={t(RETENTION_LABEL[field])}
                name={`${field}-${organisation.id}`}
                type="number"
                required={false}
                value={retention[field]}
                onChange={(value) => setRetention({ ...retention, [field]: value })}
                hint={t("retentionDaysHint", { max: MAX_RETENTION_DAYS })}
                error={errors.fields[field]}
              />
            ))}
          </div>
          <div className="row">
            <button type="submit">{t("save")}</button>
            <button type="button" onClick={() => setEditing(false)}>
              {t("cancel")}
            </button>
          </div>
          <ErrorNote error={errors.general} />
        </form>
      )}
    </li>
  );
}

function retentionTexts(organisation: Organisation): Record<RetentionField, string> {
  const text = (days: number | null) => (days === null ? "" : String(days));
  return {
    frames_retention_days: text(organisation.frames_retention_days),
    audio_retention_days: text(organisation.audio_retention_days),
    transcripts_retention_days: text(organisation.transcripts_retention_days),
    embeddings_retention_days: text(organisation.embeddings_retention_days),
  };
}
