// An audit event's details as words for the log's table ("rate limit reached; retry after 46 s"):
// what the sentence already says (who, whom, the roles before and after) is left out.
import { type AuditText, englishAuditText } from "./auditText.js";
import { detailWords, isRecord, valueWords } from "./auditWords.js";

const MAX_DETAILS_LENGTH = 240;

/** Actions whose sentence names the before and after already. */
const SAID_BY_SENTENCE = new Set(["member.roles_changed", "member.deactivated", "member.reactivated"]);

/** "name Ops → Operations; permissions View transactions → View transactions, Download transactions". */
function changeWords(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  text: AuditText,
): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const parts: string[] = [];
  for (const key of keys) {
    const from = valueWords(before[key], text);
    const to = valueWords(after[key], text);
    if (from !== to) parts.push(`${key} ${from} → ${to}`);
  }
  return parts;
}

export function describeAuditDetails(
  action: string,
  details: Record<string, unknown>,
  text: AuditText = englishAuditText,
): string {
  const parts: string[] = [];
  const { before, after, ...rest } = details;
  if (!SAID_BY_SENTENCE.has(action)) {
    if (isRecord(before) && isRecord(after)) parts.push(...changeWords(before, after, text));
    else {
      if (before !== undefined) parts.push(text("details.before", { value: valueWords(before, text) }));
      if (after !== undefined) parts.push(text("details.after", { value: valueWords(after, text) }));
    }
  }
  for (const [key, value] of Object.entries(rest)) {
    const words = detailWords(key, value, text);
    if (words !== null && words !== "") parts.push(words);
  }
  const words = parts.join(text("words.detailSeparator"));
  return words.length > MAX_DETAILS_LENGTH ? `${words.slice(0, MAX_DETAILS_LENGTH - 1)}…` : words;
}
