// The SCIM 2.0 wire protocol (RFC 7643, RFC 7644) without I/O: error bodies, the one filter form we
// support, paging, and PATCH operations in Okta's and Entra ID's shapes read into one form.

export const SCIM_CONTENT_TYPE = "application/scim+json";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
export const LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/** Every list answers at most this many resources, whatever `count` asks (RFC 7644 §3.4.2.4). */
export const MAX_PAGE_SIZE = 100;

export type ScimType =
  | "invalidFilter"
  | "invalidSyntax"
  | "invalidPath"
  | "invalidValue"
  | "mutability"
  | "uniqueness"
  | "noTarget"
  | "tooMany";

/** A refusal as RFC 7644 §3.12 words it; the SCIM routes' error handler sends it. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function scimErrorBody(status: number, detail: string, scimType?: ScimType) {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}

// ---- filters ---------------------------------------------------------------------------------

/**
 * `attribute eq "value"`, the only filter form identity providers send to find a resource; or, on a
 * multi-valued attribute, `emails[type eq "work"].value eq "value"` (Entra ID), where `where` holds
 * the bracket's value. `attribute` is spelled as in the list given to parseFilter.
 */
export type EqualityFilter = { attribute: string; value: string; where?: string };

const QUOTED = String.raw`("(?:[^"\\]|\\.)*")`;

// attrPath SP "eq" SP compValue, where compValue is a JSON string (JSON.parse refuses raw control
// characters in it); operators are case-insensitive.
const EQUALITY = new RegExp(String.raw`^\s*([A-Za-z][\w.:-]*)\s+eq\s+${QUOTED}\s*$`, "i");

// RFC 7644 §3.4.2.2's valuePath with one sub-attribute: attr "[" subAttr eq "x" "]" "." subAttr eq "y".
const VALUE_PATH_EQUALITY = new RegExp(
  String.raw`^\s*([A-Za-z][\w:-]*)\[\s*([A-Za-z]\w*)\s+eq\s+${QUOTED}\s*\]\.([A-Za-z]\w*)\s+eq\s+${QUOTED}\s*$`,
  "i",
);

/** How an attribute of parseFilter's list reads in a filter, for the refusal's message. */
function filterForm(attribute: string): string {
  const valuePath = /^(\w+)\[(\w+)\]\.(\w+)$/.exec(attribute);
  return valuePath ? `${valuePath[1]}[${valuePath[2]} eq "…"].${valuePath[3]} eq "…"` : `${attribute} eq "…"`;
}

function quotedValue(raw: string): string {
  try {
    return String(JSON.parse(raw));
  } catch {
    throw new ScimError(400, "invalidFilter", "The filter's value is not a valid quoted string.");
  }
}

/**
 * Reads `filter`, allowing only `attr eq "string"` over the attributes named (case-insensitive, as
 * RFC 7643 §2.1 has attribute names); an attribute listed as `emails[type].value` is the valuePath
 * form `emails[type eq "…"].value eq "…"`. Anything else, other operators, `and`/`or`, other
 * brackets, a trailing clause or an unquoted value, is 400 invalidFilter rather than a guess.
 */
export function parseFilter(
  filter: string | undefined,
  attributes: readonly string[],
): EqualityFilter | null {
  if (filter === undefined || filter.trim() === "") return null;
  const named = (path: string | undefined) =>
    path === undefined ? undefined : attributes.find((name) => name.toLowerCase() === path.toLowerCase());
  const simple = EQUALITY.exec(filter);
  const valuePath = simple ? null : VALUE_PATH_EQUALITY.exec(filter);
  const attribute = simple
    ? named(simple[1])
    : valuePath
      ? named(`${valuePath[1]}[${valuePath[2]}].${valuePath[4]}`)
      : undefined;
  if (!attribute) {
    throw new ScimError(
      400,
      "invalidFilter",
      `Only filters of the form ${attributes.map(filterForm).join(" or ")} are supported.`,
    );
  }
  if (simple) return { attribute, value: quotedValue(simple[2] as string) };
  const path = valuePath as RegExpExecArray;
  return { attribute, value: quotedValue(path[5] as string), where: quotedValue(path[3] as string) };
}

// ---- paging ----------------------------------------------------------------------------------

export type Page = { startIndex: number; count: number };

function integerParameter(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d{1,15}$/.test(raw.trim())) {
    throw new ScimError(400, "invalidValue", `${name} must be an integer.`);
  }
  return Number(raw);
}

/**
 * RFC 7644 §3.4.2.4: startIndex is 1-based and below 1 means 1; a negative count means 0; a count
 * above our maximum is cut to it (the answer's itemsPerPage says how many came).
 */
export function parsePage(query: { startIndex?: string; count?: string }): Page {
  const startIndex = Math.max(1, integerParameter("startIndex", query.startIndex, 1));
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, integerParameter("count", query.count, MAX_PAGE_SIZE)));
  return { startIndex, count };
}

export function listResponse<T>(resources: T[], totalResults: number, page: Page) {
  return {
    schemas: [LIST_SCHEMA],
    totalResults,
    startIndex: page.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

// ---- values ----------------------------------------------------------------------------------

/** A boolean as identity providers send it: Entra ID sends "True"/"False" strings. */
export function scimBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === "true";
  }
  throw new ScimError(400, "invalidValue", `${attribute} must be true or false.`);
}

export function scimString(value: unknown, attribute: string, maxLength = 300): string {
  if (typeof value !== "string" || value.length > maxLength) {
    throw new ScimError(
      400,
      "invalidValue",
      `${attribute} must be a string of at most ${maxLength} characters.`,
    );
  }
  return value;
}

/** An object's member by attribute name, compared case-insensitively (RFC 7643 §2.1). */
export function attributeOf(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- PATCH -----------------------------------------------------------------------------------

export type PatchOperation = { op: "add" | "replace" | "remove"; path: string | null; value: unknown };

/**
 * A PatchOp body's operations with `op` lower-cased: Okta sends "replace", Entra ID "Replace"
 * (RFC 7644 §3.5.2 reads op case-insensitively). At most 1,000 operations per request.
 */
export function readPatchOperations(body: unknown): PatchOperation[] {
  if (!isRecord(body)) throw new ScimError(400, "invalidSyntax", "The body must be a PatchOp object.");
  const schemas = attributeOf(body, "schemas");
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA)) {
    throw new ScimError(400, "invalidSyntax", `schemas must list ${PATCH_SCHEMA}.`);
  }
  const operations = attributeOf(body, "Operations");
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new ScimError(400, "invalidSyntax", "Operations must be a non-empty array.");
  }
  if (operations.length > 1_000) throw new ScimError(400, "tooMany", "At most 1,000 operations per request.");
  return operations.map((operation) => {
    if (!isRecord(operation)) throw new ScimError(400, "invalidSyntax", "Each operation must be an object.");
    const op = attributeOf(operation, "op");
    const name = typeof op === "string" ? op.toLowerCase() : "";
    if (name !== "add" && name !== "replace" && name !== "remove") {
      throw new ScimError(400, "invalidSyntax", 'op must be "add", "replace" or "remove".');
    }
    const path = attributeOf(operation, "path");
    if (path !== undefined && (typeof path !== "string" || path.length > 500)) {
      throw new ScimError(400, "invalidPath", "path must be a string.");
    }
    const value = attributeOf(operation, "value");
    if (name !== "remove" && value === undefined) {
      throw new ScimError(400, "invalidSyntax", `An "${name}" operation needs a value.`);
    }
    return { op: name, path: path === undefined || path.trim() === "" ? null : path.trim(), value };
  });
}

/**
 * A path's attribute without the core schema's URN prefix ("urn:…:User:active" is "active"), in the
 * spelling of the attribute list when it names one of them; null otherwise.
 */
export function attributeNamed(
  path: string,
  coreSchema: string,
  attributes: readonly string[],
): string | null {
  const bare = path.toLowerCase().startsWith(`${coreSchema.toLowerCase()}:`)
    ? path.slice(coreSchema.length + 1)
    : path;
  return attributes.find((name) => name.toLowerCase() === bare.toLowerCase()) ?? null;
}

/** `members[value eq "id"]`: the member a group PATCH removes (Okta's shape); null for other paths. */
export function memberValueFilter(path: string): string | null | undefined {
  const match = /^members\s*\[\s*value\s+eq\s+("(?:[^"\\]|\\.)*")\s*\]$/i.exec(path);
  if (!match) return undefined;
  try {
    return String(JSON.parse(match[1] as string));
  } catch {
    return null;
  }
}
