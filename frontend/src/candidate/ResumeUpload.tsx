// The optional résumé before the interview: checked here against the server's limits, uploaded
// as soon as it is chosen, and handed to the start request so questions can draw on it.
import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { ApiError, request, type Schemas } from "../api/client";
import { formErrors } from "../formErrors";
import { useI18n, type MessageKey } from "../i18n";

export type UploadedResume = Schemas["ResumeRead"];

const MEBIBYTE = 1024 * 1024;

/** "5 MB", "2.5 MB", "800 KB": a limit as the candidate reads it, never more than it is. */
export function sizeText(bytes: number): string {
  if (bytes < MEBIBYTE) return `${Math.floor(bytes / 1024)} KB`;
  return `${Math.floor((bytes / MEBIBYTE) * 10) / 10} MB`;
}

// What the server reads (resumes/extract.py tells the type from the bytes, not the name).
const DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ACCEPTED_EXTENSIONS = [".pdf", ".docx", ".txt"];
const ACCEPTED_TYPES = ["application/pdf", DOCX_TYPE, "text/plain"];
const ACCEPT = [...ACCEPTED_EXTENSIONS, ...ACCEPTED_TYPES].join(",");

// The server's refusals in the candidate's language, by their machine-readable code.
const MESSAGE_OF_CODE: Record<string, MessageKey> = {
  "resume-too-large": "resumeTooLarge",
  "request-too-large": "resumeTooLarge",
  "unsupported-resume-type": "resumeWrongType",
  "empty-file": "resumeEmpty",
  "empty-resume": "resumeNoText",
  "unreadable-resume": "resumeUnreadable",
  "resume-too-complex": "resumeTooComplex",
  "resume-archive-too-large": "resumeTooComplex",
  "resume-too-many-pages": "resumeTooManyPages",
  "resume-quota": "resumeQuota",
  "upload-rate-limited": "resumeRateLimited",
  "resume-parser-busy": "resumeBusy",
};

/** Why a file is refused before it is sent, or null when it may be uploaded. */
function refusalBeforeUpload(file: File, maxBytes: number): MessageKey | null {
  if (file.size > maxBytes) return "resumeTooLarge";
  if (file.size === 0) return "resumeEmpty";
  const name = file.name.toLowerCase();
  // A picker's "all files" choice gets past `accept`; the type or the extension must still fit.
  const known = ACCEPTED_TYPES.includes(file.type) || ACCEPTED_EXTENSIONS.some((extension) => name.endsWith(extension));
  return known ? null : "resumeWrongType";
}

export interface ResumeUploadProps {
  /** The server's limit (the interview state's max_resume_upload_bytes): checked before sending
   * so a too-large file is refused at once; the server refuses one anyway, shown the same way. */
  maxBytes: number;
  resume: UploadedResume | null;
  onChange: (resume: UploadedResume | null) => void;
  /** True while a file is being sent: the interview should not start without it. */
  onUploadingChange: (uploading: boolean) => void;
}

export function ResumeUpload({ maxBytes, resume, onChange, onUploadingChange }: ResumeUploadProps) {
  const { t } = useI18n();
  const maxText = sizeText(maxBytes);
  const [uploadingName, setUploadingName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const removed = useRef(false);

  // After "Remove" the file input comes back: focus goes to it, not to the top of the page.
  useEffect(() => {
    if (!resume && removed.current) {
      removed.current = false;
      input.current?.focus();
    }
  }, [resume]);

  const describe = (e: unknown): string => {
    const key = e instanceof ApiError ? MESSAGE_OF_CODE[e.code] : undefined;
    if (key) return t(key, { max: maxText });
    // Anything else in the server's own words, its message about the file first.
    const { general, fields } = formErrors(e, (field) => field === "file", t("checkFields"));
    return fields.file ?? general ?? String(e);
  };

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared so that choosing the same file again (after fixing it) is a change again.
    event.target.value = "";
    if (!file) return;
    setError(null);
    const refusal = refusalBeforeUpload(file, maxBytes);
    if (refusal) {
      setError(t(refusal, { max: maxText }));
      return;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    setUploadingName(file.name);
    onUploadingChange(true);
    try {
      onChange(await request<UploadedResume>("POST", "/resumes", form));
    } catch (e) {
      setError(describe(e));
    } finally {
      setUploadingName(null);
      onUploadingChange(false);
    }
  };

  const remove = () => {
    removed.current = true;
    setError(null);
    onChange(null);
  };

  const described = ["resume-file-hint", error && "resume-file-error"].filter(Boolean).join(" ");
  return (
    <section className="resume-upload" aria-labelledby="resume-title">
      <h2 id="resume-title">{t("resumeTitle")}</h2>
      <p>{t("resumeIntro")}</p>
      <div className={error ? "field invalid" : "field"}>
        {resume ? (
          <p role="status" data-testid="resume-chosen">
            ✓ {t("resumeUploaded", { name: resume.filename })}{" "}
            <button type="button" className="link" aria-label={t("resumeUnselectNamed", { name: resume.filename })} onClick={remove}>
              {t("resumeUnselect")}
            </button>
          </p>
        ) : (
          <>
            <label htmlFor="resume-file">{t("resumeFile")}</label>
            <input
              ref={input}
              id="resume-file"
              name="resume"
              type="file"
              accept={ACCEPT}
              disabled={uploadingName !== null}
              aria-invalid={error ? true : undefined}
              aria-describedby={described}
              onChange={(event) => void choose(event)}
            />
            <small id="resume-file-hint" className="hint">
              {t("resumeHint", { max: maxText })}
            </small>
          </>
        )}
        {uploadingName !== null && (
          <p role="status">
            {t("resumeUploading", { name: uploadingName })}
          </p>
        )}
        {error && (
          <small id="resume-file-error" className="field-error" role="alert">
            {error}
          </small>
        )}
      </div>
    </section>
  );
}
