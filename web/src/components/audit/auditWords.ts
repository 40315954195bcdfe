// The words an audit event's recorded values read as: refusal reasons, detail names and values, in
// the reader's language (the `audit` catalogue's `reasons`, `details` and `words`). The details are
// whatever the server recorded (names chosen by users among them): they only become text.
import { PERMISSIONS } from "../../../../server/access/permissions.js";
import { isUuid } from "../../../../server/ids.js";
import { formatDateTime } from "../formatDateTime.js";
import { type AuditText, englishAuditText } from "./auditText.js";

/** "step-up required" for a known reason; an unknown one reads as its words ("some_reason" → "some reason"). */
export function reasonWords(reason: unknown, text: AuditText = englishAuditText): string {
  if (typeof reason !== "string" || reason === "") return text("words.noReason");
  // Reasons are snake_case codes: one without a dot cannot reach another part of the catalogue.
  if (!/^[a-z0-9_]+$/.test(reason)) return reason;
  return text(`reasons.${reason}`, { defaultValue: reason.replaceAll("_", " ") });
}

const PERMISSION_LABELS = new Map<string, string>(PERMISSIONS.map((p) => [p.key, p.label]));

/** A permission's label in the reader's language (the `catalogue` namespace), else the server's. */
export function permissionWords(key: unknown, text: AuditText = englishAuditText): string {
  if (typeof key !== "string") return String(key);
  const label = PERMISSION_LABELS.get(key) ?? key;
  return PERMISSION_LABELS.has(key)
    ? text(`catalogue:permissions.${key}.label`, { defaultValue: label })
    : label;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The names in a role list ([{id,key,name}]), or null when the value is no such list. A predefined
 * role (one with a key) reads in the reader's language; a company's own role keeps its name.
 */
export function roleNamesOf(value: unknown, text: AuditText = englishAuditText): string[] | null {
  if (!Array.isArray(value)) return null;
  const names = value.map((item) => {
    if (!isRecord(item) || typeof item.name !== "string") return null;
    return typeof item.key === "string" && /^[a-z_]+$/.test(item.key)
      ? text(`catalogue:roles.${item.key}.name`, { defaultValue: item.name })
      : item.name;
  });
  return names.every((name) => name !== null) ? (names as string[]) : null;
}

/** "Finance", "Finance and Operations", "Admin, Finance and Operations"; "no roles" (or `empty`) for none. */
export function listWords(
  items: readonly string[],
  text: AuditText = englishAuditText,
  empty = text("words.noRoles"),
): string {
  if (items.length === 0) return empty;
  if (items.length === 1) return items[0] as string;
  return text("words.listLast", {
    items: items.slice(0, -1).join(text("words.listSeparator")),
    last: items[items.length - 1],
  });
}

/** "retryAfterSeconds" → "retry after seconds". */
function keyWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replaceAll("_", " ")
    .toLowerCase();
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** One recorded value as words: role lists as names, instants in the reader's zone, ids left out. */
export function valueWords(value: unknown, text: AuditText = englishAuditText): string {
  if (value === null || value === undefined) return text("words.none");
  if (typeof value === "boolean") return value ? text("words.yes") : text("words.no");
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return ISO_INSTANT.test(value) ? formatDateTime(value) : value;
  if (Array.isArray(value)) {
    const roles = roleNamesOf(value, text);
    if (roles) return listWords(roles, text, text("words.none"));
    return value.length === 0
      ? text("words.none")
      : value.map((item) => valueWords(item, text)).join(text("words.listSeparator"));
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, inner]) => !isIdentifier(inner));
    // {roles:[…]} or {status:"active"}: the one value says it all.
    if (entries.length === 1 && entries[0] !== undefined) return valueWords(entries[0][1], text);
    return entries
      .map(([key, inner]) => `${keyWords(key)} ${valueWords(inner, text)}`)
      .join(text("words.listSeparator"));
  }
  return String(value);
}

/** Ids say little at a glance; the expanded row shows them. */
export function isIdentifier(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(isIdentifier);
  return isUuid(value);
}

/**
 * How a detail reads, by its name: null leaves it out (said by the sentence, an id, or nothing to
 * say). A name not listed reads as its words and its value.
 */
const DETAIL_WORDS: Record<string, (value: unknown, text: AuditText) => string | null> = {
  reason: (value, text) => reasonWords(value, text),
  retryAfterSeconds: (value, text) => text("details.retryAfterSeconds", { value: valueWords(value, text) }),
  limit: (value, text) => text("details.limit", { value: valueWords(value, text) }),
  email: () => null,
  invitedEmail: () => null,
  accountId: () => null,
  memberId: () => null,
  invitedBy: () => null,
  previousInvitedBy: () => null,
  firstAdminAccountId: () => null,
  deviceId: () => null,
  requestedRoleIds: () => null,
  unknownRoleIds: (value, text) =>
    Array.isArray(value) ? text("details.unknownRoles", { count: value.length }) : null,
  sentVersion: (value, text) =>
    value === null || value === undefined
      ? null
      : text("details.sentVersion", { value: valueWords(value, text) }),
  roles: (value, text) => text("details.roles", { value: valueWords(value, text) }),
  permissions: (value, text) =>
    Array.isArray(value)
      ? text("details.permissions", {
          value: listWords(
            value.map((key) => permissionWords(key, text)),
            text,
            text("words.none"),
          ),
        })
      : null,
  requiredPermission: (value, text) =>
    value === null ? null : text("details.requiredPermission", { value: permissionWords(value, text) }),
  route: (value, text) => text("details.route", { value: valueWords(value, text) }),
  companyParam: () => null,
  accountExists: (value, text) => (value === false ? text("details.noAccount") : null),
  mailed: (value, text) => (value === true ? text("details.mailed") : text("details.notMailed")),
  consecutiveFailures: (value, text) =>
    typeof value === "number" ? text("details.consecutiveFailures", { count: value }) : null,
  device: (value, text) => (value === "known" ? text("details.knownDevice") : text("details.unknownDevice")),
  lockedMinutes: (value, text) => text("details.lockedMinutes", { value: valueWords(value, text) }),
  unlockLinkMailed: (value, text) =>
    value === true ? text("details.unlockLinkMailed") : text("details.noUnlockLinkMailed"),
  scope: (value, text) => {
    const key = { ip: "scopeIp", known_device: "scopeKnownDevice", unknown_devices: "scopeUnknownDevices" }[
      String(value)
    ];
    return key === undefined
      ? text("details.scope", { value: valueWords(value, text) })
      : text(`details.${key}`);
  },
  expiresAt: (value, text) => text("details.expiresAt", { value: valueWords(value, text) }),
  sentTo: (value, text) => text("details.sentTo", { value: valueWords(value, text) }),
  replacedOpenChallenge: (value, text) => (value === true ? text("details.replacedOpenChallenge") : null),
  sessionsEnded: (value, text) =>
    typeof value === "number" ? text("details.sessionsEnded", { count: value }) : null,
  otherSessionsEnded: (value, text) =>
    typeof value === "number" ? text("details.otherSessionsEnded", { count: value }) : null,
  accountCreated: (value, text) =>
    value === true ? text("details.accountCreated") : text("details.accountExisting"),
  field: (value, text) => text("details.field", { value: valueWords(value, text) }),
  unknownField: (value, text) =>
    value === undefined ? null : text("details.unknownField", { value: valueWords(value, text) }),
  origin: (value, text) =>
    value === null ? null : text("details.origin", { value: valueWords(value, text) }),
  fetchSite: () => null,
  filters: (value, text) => {
    const words = isRecord(value) ? valueWords(value, text) : "";
    return words === "" ? text("details.noFilters") : text("details.filters", { value: words });
  },
  name: () => null,
};

/** One detail as words, or null when it says nothing a reader needs. */
export function detailWords(key: string, value: unknown, text: AuditText = englishAuditText): string | null {
  const words = Object.hasOwn(DETAIL_WORDS, key) ? DETAIL_WORDS[key] : undefined;
  if (words) return words(value, text);
  if (isIdentifier(value)) return null;
  return text("details.other", { key: keyWords(key), value: valueWords(value, text) });
}
