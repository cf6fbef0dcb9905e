// A link shown once (an invite), with a Copy button; where the clipboard is not available
// (a page served over plain HTTP to another host) the link is selected for Ctrl+C instead.
import { useRef, useState } from "react";
import { useI18n } from "./i18n";

export function CopyableLink({ url, testId }: { url: string; testId?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const code = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      const selection = window.getSelection();
      if (code.current && selection) {
        const range = document.createRange();
        range.selectNodeContents(code.current);
        selection.removeAllRanges();
        selection.addRange(range);
      }
    }
  };
  return (
    <span className="copyable-link">
      <code ref={code} data-testid={testId}>
        {url}
      </code>{" "}
      <button type="button" onClick={() => void copy()}>
        {copied ? `✓ ${t("copied")}` : t("copyLink")}
      </button>
    </span>
  );
}
