// The words an audit event's recorded values read as: refusal reasons, detail names and values. The
// details are whatever the server recorded (names chosen by users among them): they only become text.
import { PERMISSIONS } from "../../../../server/access/permissions.js";
import { isUuid } from "../../../../server/ids.js";

/** Why something was refused or failed, as the server records it (an error code or a reason). */
const REASON_WORDS: Record<string, string> = {
  validation_failed: "the request was not valid",
  bad_request: "the request was not valid",
  invalid_json: "the request was not valid JSON",
  password_rejected: "the new password was not accepted",
  invalid_code: "wrong code",
  wrong_code: "wrong code",
  current_password_incorrect: "wrong current password",
  wrong_password: "wrong password",
  reset_token_invalid: "the reset link was not valid",
  unlock_link_invalid: "the unlock link was not valid",
  terms_not_accepted: "the terms were not accepted",
  unauthenticated: "not logged in",
  invalid_credentials: "wrong email or password",
  forbidden: "missing permission",
  csrf_rejected: "the request came from another site",
  unsupported_media_type: "the request came as a form another site can send",
  account_deactivated: "no active membership",
  self_modification: "people cannot change their own access",
  grant_exceeds_own: "it would grant more than the person's own permissions",
  step_up_required: "step-up required",
  not_found: "not found",
  conflict: "someone changed it first",
  predefined_role: "predefined roles cannot be changed",
  role_name_taken: "the role name is taken",
  role_in_use: "the role is in use",
  role_limit_reached: "the company has as many roles as it may",
  last_admin: "the company would have no Admin left",
  already_member: "already a member",
  member_deactivated: "the member is deactivated",
  invitation_pending: "an invitation is already pending",
  invitation_not_pending: "the invitation is no longer pending",
  invitation_limit_reached: "too many pending invitations",
  invitation_rate_limited: "rate limit reached",
  email_mismatch: "logged in with another email",
  invitation_expired: "the invitation has expired",
  invitation_revoked: "the invitation was revoked",
  invitation_used: "the invitation was already used",
  inviter_lost_rights: "the inviter no longer has the rights to invite",
  revoked_by_member: "revoked by a member",
  challenge_expired: "the code has expired",
  expired: "the code has expired",
  used: "the code was already used",
  replaced: "a newer code was sent",
  unknown_challenge: "unknown verification",
  challenge_locked: "too many wrong codes",
  account_locked: "the account is locked",
  login_locked: "login is locked",
  too_many_attempts: "too many attempts",
  rate_limited: "too many requests",
  cooldown: "a code was sent less than a minute ago",
  hourly_cap: "too many codes this hour",
  hourly_mail_cap: "too many emails this hour",
  link_invalid_used_or_expired: "the link was not valid, already used or expired",
  password_unchanged: "the new password is the current one",
  payload_too_large: "the request was too large",
};

/** "step-up required" for a known reason; an unknown one reads as its words ("some_reason" → "some reason"). */
export function reasonWords(reason: unknown): string {
  if (typeof reason !== "string" || reason === "") return "no reason recorded";
  return Object.hasOwn(REASON_WORDS, reason) ? (REASON_WORDS[reason] as string) : reason.replaceAll("_", " ");
}

const PERMISSION_LABELS = new Map<string, string>(PERMISSIONS.map((p) => [p.key, p.label]));

export function permissionWords(key: unknown): string {
  return typeof key === "string" ? (PERMISSION_LABELS.get(key) ?? key) : String(key);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The names in a role list ([{id,key,name}]), or null when the value is no such list. */
export function roleNamesOf(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const names = value.map((item) => (isRecord(item) && typeof item.name === "string" ? item.name : null));
  return names.every((name) => name !== null) ? (names as string[]) : null;
}

/** "Finance", "Finance and Operations", "Admin, Finance and Operations"; "no roles" for none. */
export function listWords(items: readonly string[], empty = "no roles"): string {
  if (items.length === 0) return empty;
  if (items.length === 1) return items[0] as string;
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "retryAfterSeconds" → "retry after seconds". */
function keyWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replaceAll("_", " ")
    .toLowerCase();
}

const instant = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** One recorded value as words: role lists as names, instants in the reader's zone, ids left out. */
export function valueWords(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return ISO_INSTANT.test(value) ? instant.format(new Date(value)) : value;
  if (Array.isArray(value)) {
    const roles = roleNamesOf(value);
    if (roles) return listWords(roles, "none");
    return value.length === 0 ? "none" : value.map(valueWords).join(", ");
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, inner]) => !isIdentifier(inner));
    // {roles:[…]} or {status:"active"}: the one value says it all.
    if (entries.length === 1 && entries[0] !== undefined) return valueWords(entries[0][1]);
    return entries.map(([key, inner]) => `${keyWords(key)} ${valueWords(inner)}`).join(", ");
  }
  return String(value);
}

/** Ids say little at a glance; the expanded row shows them. */
export function isIdentifier(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(isIdentifier);
  return isUuid(value);
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * How a detail reads, by its name: null leaves it out (said by the sentence, an id, or nothing to
 * say). A name not listed reads as its words and its value.
 */
const DETAIL_WORDS: Record<string, (value: unknown) => string | null> = {
  reason: (value) => reasonWords(value),
  retryAfterSeconds: (value) => `retry after ${valueWords(value)} s`,
  limit: (value) => `limit ${valueWords(value)}`,
  email: () => null,
  invitedEmail: () => null,
  accountId: () => null,
  memberId: () => null,
  invitedBy: () => null,
  previousInvitedBy: () => null,
  firstAdminAccountId: () => null,
  deviceId: () => null,
  requestedRoleIds: () => null,
  unknownRoleIds: (value) =>
    Array.isArray(value) ? plural(value.length, "unknown role", "unknown roles") : null,
  sentVersion: (value) =>
    value === null || value === undefined ? null : `based on version ${valueWords(value)}`,
  roles: (value) => `roles ${valueWords(value)}`,
  permissions: (value) =>
    Array.isArray(value) ? `permissions ${listWords(value.map(permissionWords), "none")}` : null,
  requiredPermission: (value) => (value === null ? null : `needs “${permissionWords(value)}”`),
  route: (value) => `request ${valueWords(value)}`,
  companyParam: () => null,
  accountExists: (value) => (value === false ? "no account with this email" : null),
  mailed: (value) => (value === true ? "email sent" : "no email sent"),
  consecutiveFailures: (value) =>
    typeof value === "number" ? plural(value, "failure in a row", "failures in a row") : null,
  device: (value) => (value === "known" ? "from a known device" : "from an unknown device"),
  lockedMinutes: (value) => `locked for ${valueWords(value)} min`,
  unlockLinkMailed: (value) => (value === true ? "unlock link emailed" : "no unlock link emailed"),
  scope: (value) =>
    ({ ip: "per IP address", known_device: "for a known device", unknown_devices: "for unknown devices" })[
      String(value)
    ] ?? `scope ${valueWords(value)}`,
  expiresAt: (value) => `expires ${valueWords(value)}`,
  sentTo: (value) => `sent to ${valueWords(value)}`,
  replacedOpenChallenge: (value) => (value === true ? "replaced an earlier code" : null),
  sessionsEnded: (value) =>
    typeof value === "number" ? plural(value, "session ended", "sessions ended") : null,
  otherSessionsEnded: (value) =>
    typeof value === "number" ? plural(value, "other session ended", "other sessions ended") : null,
  accountCreated: (value) => (value === true ? "new account" : "existing account"),
  field: (value) => `field ${valueWords(value)}`,
  unknownField: (value) => (value === undefined ? null : `unknown field ${valueWords(value)}`),
  origin: (value) => (value === null ? null : `from ${valueWords(value)}`),
  fetchSite: () => null,
  filters: (value) => {
    const words = isRecord(value) ? valueWords(value) : "";
    return words === "" ? "no filters" : `filters: ${words}`;
  },
  name: () => null,
};

/** One detail as words, or null when it says nothing a reader needs. */
export function detailWords(key: string, value: unknown): string | null {
  const words = Object.hasOwn(DETAIL_WORDS, key) ? DETAIL_WORDS[key] : undefined;
  if (words) return words(value);
  if (isIdentifier(value)) return null;
  return `${keyWords(key)}: ${valueWords(value)}`;
}
