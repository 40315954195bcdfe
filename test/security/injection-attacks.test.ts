// Attack suite, hostile text (SECURITY §2 scenarios 17, 18): a poisoned Host header must not reach the
// links in mail, and CR/LF or <script> in names must not reach a mail header, a CSV cell, the UI or a
// log line as anything but text; against a real server over HTTP on every configured database.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailDispatcher } from "../../server/mail/dispatcher.js";
import { smtpTransport } from "../../server/mail/transport.js";
import { testDatabaseKinds } from "../support/databases.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import { expectAudited, expectRefused, expectUnchanged } from "./support/expect.js";
import {
  type Client,
  type Company,
  invite,
  type LiveServer,
  PUBLIC_URL,
  startLiveServer,
  uniqueEmail,
} from "./support/live-server.js";

const NEW_PASSWORD = "Juniper-Orbit-Candle-5521";
const SCRIPT = "<script>alert(1)</script>";
const HEADER_INJECTION = "Mallory\r\nBcc: victim@evil.example\r\nX-Injected: yes";

/** A request through node:http, which (unlike fetch) sends the Host header it is given. */
function rawRequest(
  server: LiveServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path,
        headers: {
          ...headers,
          ...(payload !== undefined
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

describe.each(testDatabaseKinds)("hostile text and headers (%s)", (kind) => {
  let s: LiveServer;
  let company: Company;
  let admin: Client;

  beforeAll(async () => {
    s = await startLiveServer(kind);
    company = await s.company("Injection Target Co");
    admin = await s.login(company.admin.email);
  });
  afterAll(() => s?.close());

  it("Host header poisoning: invitation and reset links are built from PUBLIC_URL, never from Host or X-Forwarded-Host", async () => {
    await s.elevate(admin);
    const poisoned = {
      host: "evil.example",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      "x-original-url": "https://evil.example/",
      cookie: `${s.cookieName}=${admin.cookie}`,
    };
    const invitee = uniqueEmail("poisoned");
    const invited = await rawRequest(s, "POST", `/api/companies/${company.id}/invitations`, poisoned, {
      email: invitee,
      roleIds: [company.roleIds.finance],
      acceptTerms: true,
    });
    expect(invited.status, invited.text).toBe(201);
    const person = await s.member(company, ["finance"]);
    const reset = await rawRequest(
      s,
      "POST",
      "/api/auth/password-reset",
      { host: "evil.example" },
      {
        email: person.email,
      },
    );
    expect(reset.status, reset.text).toBe(202);

    const mails = [
      ...(await s.mailsTo(invitee, "invitation")),
      ...(await s.mailsTo(person.email, "password_reset")),
    ];
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      const links = [...`${mail.text_body}\n${mail.html_body}`.matchAll(/https?:\/\/[^\s"<>]+/g)].map(
        (m) => m[0],
      );
      expect(links.length, mail.kind).toBeGreaterThan(0);
      for (const link of links) expect(link.startsWith(`${PUBLIC_URL}/`), link).toBe(true);
      expect(`${mail.text_body}${mail.html_body}`).not.toContain("evil.example");
    }
    expect(invited.text).not.toContain("evil.example");
  });

  it("CR/LF in names: refused by the API (400) and by the database; other line breaks never forge a mail header", async () => {
    await s.elevate(admin);
    const mark = s.mark();
    const before = await s.snapshot();
    const roleName = await admin.post(`/api/companies/${company.id}/roles`, {
      name: "Ops\r\nBcc: victim@evil.example",
      permissions: ["transactions.view"],
    });
    expectRefused(roleName, 400, "validation_failed");
    await expectUnchanged(s, before);
    const { id, token } = await invite(s, admin, company, uniqueEmail("crlf"));
    const beforeAccept = await s.snapshot();
    const accepted = await s.client().post(`/api/invitations/${token}/accept`, {
      name: HEADER_INJECTION,
      password: NEW_PASSWORD,
    });
    expectRefused(accepted, 400, "validation_failed");
    await expectUnchanged(s, beforeAccept);
    expect(await s.invitationStatus(id)).toBe("pending");
    await expectAudited(
      s,
      mark,
      "security.input_rejected",
      1,
      (e) => e.actor_account_id === company.admin.id && e.details.field === "body.name",
    );

    // The database refuses CR/LF in names whatever the application does (a CHECK constraint)…
    await expect(
      s.db
        .updateTable("accounts")
        .set({ name: HEADER_INJECTION })
        .where("id", "=", company.admin.id)
        .execute(),
    ).rejects.toThrow(/check constraint/);
    // …and other line-breaking characters that it stores (NEL, LINE SEPARATOR, vertical tab) never forge a
    // header either: an inviter and a company named with them, delivered through a real SMTP server.
    const sink = await startSmtpSink();
    try {
      const evilCompany = await s.company("Evil Co");
      await s.db
        .updateTable("companies")
        .set({ name: "Evil\u2028Bcc: victim@evil.example\u0085X-Injected: yes" })
        .where("id", "=", evilCompany.id)
        .execute();
      await s.db
        .updateTable("accounts")
        .set({ name: "Mallory\u0085Bcc: victim@evil.example\u000bX-Injected: yes" })
        .where("id", "=", evilCompany.admin.id)
        .execute();
      const evilAdmin = await s.login(evilCompany.admin.email);
      await s.elevate(evilAdmin);
      const invitee = uniqueEmail("smtp.invitee");
      await invite(s, evilAdmin, evilCompany, invitee);
      const [queued] = await s.mailsTo(invitee, "invitation");
      expect(queued!.subject).not.toMatch(/[\r\n]/);
      const transport = smtpTransport(sink.url, "Merchant Portal <no-reply@portal.test>");
      const dispatcher = new MailDispatcher({ db: s.db, transport, clock: s.clock });
      for (let i = 0; i < 10 && !sink.received.some((m) => m.to.includes(invitee)); i += 1)
        await dispatcher.runOnce();
      transport.close();
      const delivered = sink.received.find((m) => m.to.includes(invitee))!;
      expect(delivered.to).toEqual([invitee]);
      const headers = delivered.raw.split(/\r?\n\r?\n/, 1)[0]!;
      expect(headers).not.toMatch(/^bcc:/im);
      expect(headers).not.toMatch(/^x-injected:/im);
    } finally {
      await sink.stop();
    }
  });

  it("<script> in a name: escaped in mail HTML, inert in the API and UI, formula-safe in CSV, one JSON line per log entry", async () => {
    await s.elevate(admin);
    // An address a spreadsheet would run as a formula, accepting with a script for a name.
    const formulaEmail = `=cmd|'/c+calc'!a0.${Math.random().toString(36).slice(2, 6)}@example.com`;
    const { token } = await invite(s, admin, company, formulaEmail);
    const accepted = await s.client().post(
      `/api/invitations/${token}/accept`,
      { name: SCRIPT, password: NEW_PASSWORD },
      {
        headers: { "user-agent": '=HYPERLINK("http://evil.example","x")<script>' },
      },
    );
    expect(accepted.status, accepted.text).toBe(200);

    // The API returns the name as JSON data, never as HTML, under a policy that runs no inline script.
    const members = await admin.get(
      `/api/companies/${company.id}/members?email=${encodeURIComponent("cmd")}`,
    );
    expect(members.status).toBe(200);
    expect(members.headers.get("content-type")).toMatch(/^application\/json/);
    expect(members.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = members.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(members.body.items.map((m: { name: string }) => m.name)).toContain(SCRIPT);

    // Mail: the name appears escaped in HTML (a password reset greets the person by name).
    expect((await s.client().post("/api/auth/password-reset", { email: formulaEmail })).status).toBe(202);
    const [resetMail] = await s.mailsTo(formulaEmail, "password_reset");
    expect(resetMail!.html_body).not.toContain("<script>");
    expect(resetMail!.html_body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");

    // CSV: the audit export prefixes every cell a spreadsheet would run as a formula.
    const csv = await admin.get(`/api/companies/${company.id}/audit-events/export`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const row = csv.text
      .split("\r\n")
      .find((line) => line.includes("invitation.accepted") && line.includes("cmd|"));
    expect(row, "the acceptance's audit row").toBeDefined();
    expect(row).toContain(`'${formulaEmail}`);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")<script>"`);
    for (const cell of csvCells(csv.text))
      expect(cell, "a CSV cell starting like a formula").not.toMatch(/^[=+\-@]/);

    // Logs: a request carrying CR/LF and a forged JSON line in its path still logs one JSON object per line.
    const forged = encodeURIComponent('x\r\n{"level":60,"msg":"forged"}\r\n');
    await s.client().get(`/api/invitations/${forged}`);
    await s.client().get(`/api/companies/${forged}`);
    for (const line of s.logLines) {
      const entry = JSON.parse(line) as { msg?: string; level?: number };
      expect(entry.msg).not.toBe("forged");
    }
    expect(s.logLines.some((line) => line.includes("\r"))).toBe(false);
  });
});

/** Splits RFC 4180 CSV into its cells (quoted cells may hold commas, quotes and line breaks). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === "," || char === "\n") {
      cells.push(cell);
      cell = "";
    } else if (char !== "\r") cell += char;
  }
  if (cell !== "") cells.push(cell);
  return cells;
}
