// A failed submit split for a form: the message for each field it shows, next to that field, and
// one plain line for the rest.
import { ApiError, describeFields } from "./api/client";

export interface FormErrors {
  /** For the note near the submit button; null when there is nothing to say. */
  general: string | null;
  /** Field path ("title", "competencies.0.name") -> the server's message about it. */
  fields: Record<string, string>;
}

export const NO_ERRORS: FormErrors = { general: null, fields: {} };

/**
 * `shows` tells which field paths the form has an input for; `checkFields` is the line shown when
 * every problem already sits next to its input ("Check the fields marked above.").
 */
export function formErrors(error: unknown, shows: (field: string) => boolean, checkFields: string): FormErrors {
  if (!(error instanceof ApiError) || error.fields.length === 0)
    return { general: error instanceof Error ? error.message : String(error), fields: {} };
  const fields: Record<string, string> = {};
  const rest = [];
  for (const problem of error.fields) {
    if (problem.field && shows(problem.field)) fields[problem.field] ??= problem.message;
    else rest.push(problem);
  }
  if (rest.length === 0) return { general: checkFields, fields };
  // A schema problem is best told by naming its fields; a domain problem's detail is already plain.
  return { general: error.code === "invalid-input" ? describeFields(rest) : error.message, fields };
}
