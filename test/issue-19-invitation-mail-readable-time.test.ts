// Issue 19: invitation mails showed their expiry as `2026-12-10T07:48:34.518Z`. The mail says it as a
// person reads it ("9 March 2026 at 09:00 UTC"), in the text part and in the HTML part, on every
// configured database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readableTime } from "../server/mail/templates.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

describe.each(testDatabaseKinds)("Issue 19: invitation mails show a readable expiry, on %s", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it("says the expiry as a date and time with its zone, never as an ISO timestamp", async () => {
    const company = await h.company("Readable Co");
    const cookie = await h.login(company.admin.email);
    await h.elevate(cookie);
    const email = "readable.invitee@example.com";
    const response = await h.inject(cookie, {
      method: "POST",
      url: `/api/companies/${company.id}/invitations`,
      payload: { email, roleIds: [company.roleIds.finance], acceptTerms: true },
    });
    expect(response.statusCode, response.body).toBe(201);
    const expiresAt = new Date(response.json().expiresAt);

    const mail = await h.db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("to_address", "=", email)
      .where("kind", "=", "invitation")
      .executeTakeFirstOrThrow();
    const readable = readableTime(expiresAt);
    expect(readable).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC$/);
    expect(mail.text_body).toContain(`accept before ${readable}.`);
    expect(mail.html_body).toContain(`accept before ${readable}.`);
    expect(mail.text_body).not.toMatch(ISO_TIME);
    expect(mail.html_body).not.toMatch(ISO_TIME);
  });
});
