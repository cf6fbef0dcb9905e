// The candidate's own data: download it as JSON, or delete it after re-entering the password.
import { useState, type FormEvent } from "react";
import { api, type DataDeletionResult, type DataExport } from "../api/client";
import { ErrorNote } from "../auth/AuthForms";
import { useI18n } from "../i18n";

export interface MyDataViewProps {
  onExport: () => Promise<DataExport>;
  onDelete: (currentPassword: string) => Promise<DataDeletionResult>;
  onDeleted: () => void;
}

function download(data: DataExport) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = "my-interview-data.json";
  link.click();
  URL.revokeObjectURL(url);
}

export function MyDataView({ onExport, onDelete, onDeleted }: MyDataViewProps) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  const exportData = () => {
    setError(null);
    onExport().then(download, (e: Error) => setError(e.message));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    onDelete(password).then(onDeleted, (e: Error) => {
      setError(e.message);
      setBusy(false);
    });
  };
  return (
    <section aria-labelledby="my-data-title" className="card">
      <h2 id="my-data-title">{t("myDataTitle")}</h2>
      <ErrorNote error={error} />
      <div className="row">
        <button type="button" onClick={exportData}>{t("exportMyData")}</button>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>{t("deleteMyData")}</button>
      </div>
      {confirming && (
        <form onSubmit={submit}>
          <p>{t("deleteMyDataWarning")}</p>
          <label>
            {t("confirmWithPassword")}
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <div className="row">
            <button type="submit" className="danger" disabled={busy || !password}>{t("confirmDeletion")}</button>
            {/* Backing out forgets the typed password, so a later attempt starts clean. */}
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                setPassword("");
                setError(null);
              }}
            >
              {t("cancel")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function MyData() {
  return (
    <MyDataView
      onExport={api.exportMyData}
      onDelete={api.deleteMyData}
      onDeleted={() => {
        // The account is gone: its tokens no longer work, so start over signed out.
        api.logout().catch(() => undefined).finally(() => window.location.assign("/"));
      }}
    />
  );
}
