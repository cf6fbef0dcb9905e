// A destructive action: a danger-styled button that first asks, and sends nothing until confirmed.
import { useState } from "react";
import { useI18n } from "./i18n";

export interface ConfirmButtonProps {
  /** The button's text ("Cancel interview"). */
  label: string;
  /** Its accessible name where the text alone is ambiguous (one per table row). */
  ariaLabel?: string;
  /** The question asked, saying what happens and whether it can be undone. */
  question: string;
  /** The button that goes ahead. */
  confirmLabel: string;
  /** The button that backs out; "Cancel" unless that would be ambiguous. */
  dismissLabel?: string;
  /** Runs only after confirming; while it runs both buttons are disabled. */
  onConfirm: () => Promise<unknown>;
}

export function ConfirmButton({ label, ariaLabel, question, confirmLabel, dismissLabel, onConfirm }: ConfirmButtonProps) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  const confirm = () => {
    setBusy(true);
    onConfirm().finally(() => {
      setBusy(false);
      setAsking(false);
    });
  };
  return (
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !busy) setAsking(false);
      }}
    >
      <span className="confirm-question">{question}</span>
      <button type="button" className="danger" disabled={busy} onClick={confirm}>
        {busy ? t("working") : confirmLabel}
      </button>
      {/* Focus lands on the safe choice. */}
      <button type="button" autoFocus disabled={busy} onClick={() => setAsking(false)}>
        {dismissLabel ?? t("cancel")}
      </button>
    </span>
  );
}
