// What each audit action says to a reader of the log, beside its name: the server's catalogue, so an
// action added there has its words in the same place.
import { AUDIT_ACTION_LABELS, type AuditAction } from "../../../../server/audit/actions";

export { AUDIT_ACTION_LABELS };

/** An action's words; an action the client does not know (a newer server) reads as its name. */
export function auditActionLabel(action: string): string {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action as AuditAction] : action;
}
