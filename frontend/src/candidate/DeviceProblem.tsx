// Said plainly when a device the candidate allowed could not be opened, with a way to retry.
import { useI18n } from "../i18n";

export function DeviceProblem({ onRetry }: { onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div className="notice warning device-problem" role="alert">
      <p>⚠ {t("devicesUnavailable")}</p>
      <p className="hint">{t("devicePermissionHelp")}</p>
      <button type="button" onClick={onRetry}>
        {t("retry")}
      </button>
    </div>
  );
}
