// The audit log's action names, for the action filter's suggestions: the server's own catalogue
// (the writer records no other name), so a new action reaches the filter without a second list.
// A category (`member`) matches every action under it (`member.deactivated`, …).
import { AUDIT_ACTION_FILTER_PATTERN } from "../../../../server/audit/actions";

export { AUDIT_ACTION_CATEGORIES, AUDIT_ACTIONS } from "../../../../server/audit/actions";

/** What the server's `action` filter accepts: a category or `category.action`. */
export const AUDIT_ACTION_PATTERN = new RegExp(AUDIT_ACTION_FILTER_PATTERN);
