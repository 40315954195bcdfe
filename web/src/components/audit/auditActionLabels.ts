// What each audit action says to a reader of the log, beside its name, in the reader's language (the
// `audit` catalogue's `actions`); the server's catalogue holds the English and the list of actions.
import { AUDIT_ACTION_LABELS, type AuditAction } from "../../../../server/audit/actions.js";
import { type AuditText, englishAuditText } from "./auditText.js";

export { AUDIT_ACTION_LABELS };

/** An action's words; an action the client does not know (a newer server) reads as its name. */
export function auditActionLabel(action: string, text: AuditText = englishAuditText): string {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action)
    ? text(`actions.${action}`, { defaultValue: AUDIT_ACTION_LABELS[action as AuditAction] })
    : action;
}
