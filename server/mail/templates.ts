// Every mail the portal sends, as plain text and HTML. Names and other user-supplied text are
// HTML-escaped in the HTML part and stripped of CR/LF everywhere (rule 17).

export type RenderedMail = { subject: string; text: string; html: string };

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** One line, no control characters: safe for a header and for a line of text. */
export function oneLine(value: string, max = 200): string {
  return value
    .replace(/\p{Cc}+/gu, " ")
    .trim()
    .slice(0, max);
}

function layout(title: string, paragraphs: string[]): string {
  return [
    "<!doctype html>",
    '<html><body style="font-family:Arial,Helvetica,sans-serif;color:#1f1f1f;max-width:560px">',
    `<h2>${escapeHtml(title)}</h2>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '<p style="color:#8c8c8c;font-size:12px">Merchant Portal: this message was sent automatically.</p>',
    "</body></html>",
  ].join("\n");
}

export function renderMail(subject: string, lines: { text: string; html?: string }[]): RenderedMail {
  const cleanSubject = oneLine(subject, 300);
  return {
    subject: cleanSubject,
    text: `${lines.map((l) => l.text).join("\n\n")}\n`,
    html: layout(
      cleanSubject,
      lines.map((l) => l.html ?? escapeHtml(l.text)),
    ),
  };
}

const READABLE_TIME = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "UTC",
});

/** A moment as a reader says it: "2 March 2026 at 09:00 UTC". */
export function readableTime(at: Date): string {
  return `${READABLE_TIME.format(at)} UTC`;
}

/** A link in both parts; the URL is built by the caller from PUBLIC_URL, never from a request. */
export function linkLine(label: string, url: string): { text: string; html: string } {
  return { text: `${label}: ${url}`, html: `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>` };
}
