// What a SCIM User is made of here (RFC 7643 §4.1): the attributes we read from an identity
// provider's body, those we accept and ignore, and a member as the User resource answered.
import { canonicalizeEmail } from "../identity/email.js";
import {
  attributeOf,
  ENTERPRISE_USER_SCHEMA,
  isRecord,
  ScimError,
  scimBoolean,
  scimString,
  USER_SCHEMA,
} from "./protocol.js";
import type { ScimUserRow } from "./queries.js";

/**
 * The core User schema's attributes (RFC 7643 §4.1). Those we do not keep (phone numbers, title, a
 * password Okta may send…) are accepted and ignored, so a provider's ordinary sync never fails; an
 * attribute no schema defines is refused (400), so a typo or a probe is never silently "applied".
 */
const CORE_USER_ATTRIBUTES = [
  "id",
  "externalId",
  "meta",
  "schemas",
  "userName",
  "name",
  "displayName",
  "nickName",
  "profileUrl",
  "title",
  "userType",
  "preferredLanguage",
  "locale",
  "timezone",
  "active",
  "password",
  "emails",
  "phoneNumbers",
  "ims",
  "photos",
  "addresses",
  "groups",
  "entitlements",
  "roles",
  "x509Certificates",
];

/** What a User body sets here. `active` and `externalId` are undefined when the body leaves them out. */
export type UserInput = {
  email: string;
  name: string;
  active: boolean | undefined;
  externalId: string | undefined;
};

export type UserAttribute = "active" | "externalId" | "userName" | "ignored";

/**
 * The attribute a PATCH path or a body key names: one we act on, one we accept and ignore, or null
 * for an attribute no schema we publish defines (400 invalidPath).
 */
export function userAttributeOf(path: string): UserAttribute | null {
  const lower = path.toLowerCase();
  if (lower.startsWith(`${ENTERPRISE_USER_SCHEMA.toLowerCase()}`)) return "ignored";
  const bare = lower.startsWith(`${USER_SCHEMA.toLowerCase()}:`)
    ? lower.slice(USER_SCHEMA.length + 1)
    : lower;
  const head = bare.split(/[.[]/)[0] ?? "";
  if (bare === "active") return "active";
  if (bare === "externalid") return "externalId";
  if (bare === "username") return "userName";
  if (head === "id" || head === "meta" || head === "schemas") return null;
  return CORE_USER_ATTRIBUTES.some((name) => name.toLowerCase() === head) ? "ignored" : null;
}

/** The canonical email a userName (or, failing that, the primary email) stands for. */
function emailOf(body: Record<string, unknown>): string {
  const userName = scimString(attributeOf(body, "userName"), "userName", 320);
  const fromUserName = canonicalizeEmail(userName);
  if (fromUserName.ok) return fromUserName.email;
  const emails = attributeOf(body, "emails");
  const primary = Array.isArray(emails)
    ? (emails.find((email) => isRecord(email) && attributeOf(email, "primary") === true) ?? emails[0])
    : undefined;
  const value = isRecord(primary) ? attributeOf(primary, "value") : undefined;
  const fromEmails = typeof value === "string" ? canonicalizeEmail(value) : null;
  if (fromEmails?.ok) return fromEmails.email;
  throw new ScimError(400, "invalidValue", "userName (or the primary email) must be an email address.");
}

function nameOf(body: Record<string, unknown>, email: string): string {
  const name = attributeOf(body, "name");
  if (isRecord(name)) {
    const formatted = attributeOf(name, "formatted");
    if (typeof formatted === "string" && formatted.trim() !== "") return formatted;
    const parts = [attributeOf(name, "givenName"), attributeOf(name, "familyName")].filter(
      (part): part is string => typeof part === "string" && part.trim() !== "",
    );
    if (parts.length > 0) return parts.join(" ");
  }
  const displayName = attributeOf(body, "displayName");
  if (typeof displayName === "string" && displayName.trim() !== "") return displayName;
  return email.slice(0, email.indexOf("@"));
}

/** A POST or PUT body read: the User schema listed, no attribute outside the published schemas. */
export function readUser(body: unknown): UserInput {
  if (!isRecord(body)) throw new ScimError(400, "invalidSyntax", "The body must be a User object.");
  const schemas = attributeOf(body, "schemas");
  if (!Array.isArray(schemas) || !schemas.includes(USER_SCHEMA)) {
    throw new ScimError(400, "invalidSyntax", `schemas must list ${USER_SCHEMA}.`);
  }
  for (const key of Object.keys(body)) {
    if (userAttributeOf(key) === null && !["id", "meta", "schemas"].includes(key.toLowerCase())) {
      throw new ScimError(400, "invalidSyntax", `Unknown attribute "${key.slice(0, 100)}".`);
    }
  }
  const email = emailOf(body);
  const active = attributeOf(body, "active");
  const externalId = attributeOf(body, "externalId");
  return {
    email,
    name: nameOf(body, email),
    active: active === undefined ? undefined : scimBoolean(active, "active"),
    externalId:
      externalId === undefined || externalId === null ? undefined : scimString(externalId, "externalId"),
  };
}

/** The canonical form of a userName, to compare with the member's email; null when it is no email. */
export function canonicalUserName(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const canonical = canonicalizeEmail(value);
  return canonical.ok ? canonical.email : null;
}

export function userResource(row: ScimUserRow, baseUrl: string) {
  return {
    schemas: [USER_SCHEMA],
    id: row.id,
    ...(row.scim_external_id !== null ? { externalId: row.scim_external_id } : {}),
    userName: row.email,
    name: { formatted: row.name },
    displayName: row.name,
    emails: [{ value: row.email, type: "work", primary: true }],
    active: row.status === "active",
    groups: row.roles.map((role) => ({
      value: role.id,
      display: role.name,
      $ref: `${baseUrl}/Groups/${role.id}`,
    })),
    meta: {
      resourceType: "User",
      created: row.joined_at,
      lastModified: row.deactivated_at ?? row.joined_at,
      location: `${baseUrl}/Users/${row.id}`,
      version: `W/"${row.version}"`,
    },
  };
}
