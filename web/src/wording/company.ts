// Company and merchant-account fields as a person reads them, not as they are stored.

const countryNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** "Singapore" for "SG"; a value that is no ISO 3166 region code is shown as it is. */
export function countryName(code: string): string {
  const trimmed = code.trim();
  if (!/^[A-Za-z]{2}$|^\d{3}$/.test(trimmed)) return code;
  try {
    return countryNames.of(trimmed.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** "Active" for "active", "Pending review" for "pending_review". */
export function readableStatus(status: string): string {
  const words = status.replaceAll(/[_-]+/g, " ").trim().toLowerCase();
  return words === "" ? status : words.charAt(0).toUpperCase() + words.slice(1);
}
