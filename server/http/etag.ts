// A resource's version as an HTTP entity tag: `ETag: "7"` on reads, `If-Match: "7"` on changes
// (RFC 9110 §8.8.3, §13.1.1). Only strong tags name a version; a change that sends none applies to
// the current state.
import { AppError } from "../errors.js";

/** The strong entity tag of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

const STRONG_VERSION_TAG = /^"([1-9][0-9]{0,9})"$/;

/**
 * The version an `If-Match` header asks for: undefined when the header is absent or `*` (any
 * current state). A weak tag, a list or anything else is refused: a version is one strong tag.
 */
export function versionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(",") : header).trim();
  if (value === "*") return undefined;
  const version = STRONG_VERSION_TAG.exec(value)?.[1];
  if (version === undefined || Number(version) > 2_147_483_647) {
    throw new AppError("validation_failed", 'If-Match takes one strong ETag of the member, e.g. "7".', {
      field: "headers.if-match",
    });
  }
  return Number(version);
}

/**
 * The version a change is made on: the body's `version`, or the `If-Match` header's, or neither.
 * Both at once must agree, or the request contradicts itself.
 */
export function requestedVersion(
  bodyVersion: number | undefined,
  ifMatch: string | string[] | undefined,
): number | undefined {
  const headerVersion = versionFromIfMatch(ifMatch);
  if (bodyVersion !== undefined && headerVersion !== undefined && bodyVersion !== headerVersion) {
    throw new AppError("validation_failed", "The body's version and If-Match name different versions.", {
      field: "headers.if-match",
    });
  }
  return bodyVersion ?? headerVersion;
}
