// Rule 12: mail goes through a transactional outbox. The mail is committed with the change that
// causes it (or not at all), a dispatcher delivers it with retries, and a mail server that is
// down loses nothing. Delivery here is to a real SMTP server on loopback.
import net from "node:net";
import type { KyselyPlugin } from "kysely";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { backoffMs, MAX_ATTEMPTS, MailDispatcher } from "../server/mail/dispatcher.js";
import { enqueueMail } from "../server/mail/outbox.js";
import { escapeHtml, renderMail } from "../server/mail/templates.js";
import { coalesceWrites, pooledSmtpUrl, smtpTransport } from "../server/mail/transport.js";
import { testDatabaseKinds } from "./support/databases.js";
import { createHarness, type Harness } from "./support/harness.js";
import { startSmtpSink } from "./support/smtp-sink.js";
import { statementLog } from "./support/statement-log.js";

describe("rule 12: mail templates", () => {
  it("escapes user-supplied names in HTML and keeps CR/LF out of the subject", () => {
    const name = '<script>alert("x")</script>\r\nBcc: victim@example.com';
    const mail = renderMail(`Welcome ${name}`, [
      { text: `Hello ${name}`, html: `Hello ${escapeHtml(name)}` },
    ]);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
  });

  it("backs off longer after each failure, with a cap", () => {
    expect(backoffMs(1)).toBe(5_000);
    expect(backoffMs(2)).toBe(10_000);
    expect(backoffMs(4)).toBe(40_000);
    expect(backoffMs(50)).toBe(30 * 60_000);
  });
});

describe("rule 12: the SMTP transport's own connections", () => {
  // smtp-server's built-in self-signed certificate: the URL tells nodemailer to accept it.
  it.each([
    ["STARTTLS", "smtp", false],
    ["smtps://", "smtps", true],
  ] as const)("delivers over %s through the connection it opens itself", async (_name, scheme, secure) => {
    const sessions: boolean[] = [];
    const server = new SMTPServer({
      secure,
      authOptional: true,
      logger: false,
      closeTimeout: 1,
      onData(stream, session, callback) {
        stream.on("data", () => {});
        stream.on("end", () => {
          sessions.push(session.secure);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = (server as unknown as { server: net.Server }).server.address() as net.AddressInfo;
    const transport = smtpTransport(
      `${scheme}://127.0.0.1:${port}?tls.rejectUnauthorized=false`,
      "Portal <no-reply@portal.test>",
    );
    try {
      for (const to of ["one@example.com", "two@example.com"])
        await transport.send({ to, subject: "Over TLS", text: "Hi", html: "<p>Hi</p>" });
    } finally {
      transport.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(sessions).toEqual([true, true]);
  });
});

describe.each(testDatabaseKinds)("rule 12: transactional outbox on %s", (kind) => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    h = await createHarness(kind);
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
    await h.close();
  });

  const message = (to: string, subject: string, isSensitive = false) => ({
    kind: "test_mail",
    to,
    mail: renderMail(subject, [{ text: `Body of ${subject}, code 123456` }]),
    isSensitive,
  });

  const rowsFor = (to: string) =>
    h.db.selectFrom("mail_outbox").selectAll().where("to_address", "=", to).execute();

  it("commits the mail with the change, or not at all when the change rolls back", async () => {
    await expect(
      h.db.transaction().execute(async (trx) => {
        await enqueueMail(trx, message("rolled.back@example.com", "Rolled back"), h.clock.now());
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await rowsFor("rolled.back@example.com")).toHaveLength(0);

    await h.db
      .transaction()
      .execute((trx) => enqueueMail(trx, message("Committed@Example.com ", "Committed"), h.clock.now()));
    const rows = await rowsFor("committed@example.com");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("pending");
  });

  it("delivers through SMTP, and wipes the body of a sensitive mail once the server has it", async () => {
    await enqueueMail(h.db, message("deliver.me@example.com", "Your code", true), h.clock.now());
    const dispatcher = new MailDispatcher({
      db: h.db,
      transport: smtpTransport(sink.url, "Portal <no-reply@portal.test>"),
      clock: h.clock,
    });
    const result = await dispatcher.runOnce();
    expect(result.sent).toBeGreaterThanOrEqual(1);
    const delivered = sink.received.find((m) => m.to.includes("deliver.me@example.com"));
    expect(delivered?.raw).toContain("Subject: Your code");
    expect(delivered?.raw).toContain("123456");
    const [row] = await rowsFor("deliver.me@example.com");
    expect(row?.status).toBe("sent");
    expect(row?.text_body).not.toContain("123456");
    expect(row?.html_body).not.toContain("123456");
  });

  it("loses nothing while the mail server is down, and delivers once it is back", async () => {
    await sink.stop();
    await enqueueMail(h.db, message("while.down@example.com", "Sent while down"), h.clock.now());
    const dispatcher = new MailDispatcher({
      db: h.db,
      transport: smtpTransport(sink.url, "Portal <no-reply@portal.test>"),
      clock: h.clock,
    });

    const first = await dispatcher.runOnce();
    expect(first.failed).toBeGreaterThanOrEqual(1);
    let [row] = await rowsFor("while.down@example.com");
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row?.last_error).toBeTruthy();
    expect(row!.next_attempt_at.getTime()).toBe(h.clock.now().getTime() + backoffMs(1));

    // Not yet due: the backoff holds it back.
    expect((await dispatcher.runOnce()).sent).toBe(0);

    await sink.restart();
    h.clock.advance(backoffMs(1) + 1);
    const retried = await dispatcher.runOnce();
    expect(retried.sent).toBeGreaterThanOrEqual(1);
    [row] = await rowsFor("while.down@example.com");
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    expect(sink.received.filter((m) => m.to.includes("while.down@example.com"))).toHaveLength(1);
  });

  it("gives up after the last attempt and records the failure", async () => {
    await enqueueMail(h.db, message("never.works@example.com", "Never works"), h.clock.now());
    const failing = {
      isExternal: true,
      close() {},
      async send() {
        throw new Error("550 mailbox unavailable");
      },
    };
    const dispatcher = new MailDispatcher({ db: h.db, transport: failing, clock: h.clock });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      await dispatcher.runOnce();
      h.clock.advance(backoffMs(attempt) + 1);
    }
    const [row] = await rowsFor("never.works@example.com");
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(row?.last_error).toContain("550");
  });

  it("sends each message exactly once when several dispatchers run at the same time", async () => {
    const count = 40;
    for (let i = 0; i < count; i += 1)
      await enqueueMail(h.db, message(`burst${i}@example.com`, `Burst ${i}`), h.clock.now());
    const deliveries = new Map<string, number>();
    // Each dispatcher sends its batch one mail at a time, so three sends in flight at once are one of
    // each: the first sends wait for one another, and all three batches are claimed at the same time.
    let sending = 0;
    let allThreeSending = () => {};
    const threeSending = new Promise<void>((resolve) => {
      allThreeSending = resolve;
    });
    const recording = {
      isExternal: false,
      close() {},
      async send(mail: { to: string }) {
        sending += 1;
        if (sending === 3) allThreeSending();
        await threeSending;
        deliveries.set(mail.to, (deliveries.get(mail.to) ?? 0) + 1);
        sending -= 1;
      },
    };
    const dispatchers = [1, 2, 3].map(
      () => new MailDispatcher({ db: h.db, transport: recording, clock: h.clock, batchSize: 7 }),
    );
    for (let round = 0; round < 10; round += 1) await Promise.all(dispatchers.map((d) => d.runOnce()));
    const burst = [...deliveries.entries()].filter(([to]) => to.startsWith("burst"));
    expect(burst).toHaveLength(count);
    expect(burst.every(([, n]) => n === 1)).toBe(true);
  });

  it("marks a batch's deliveries in one statement, each with its time, and a refused one apart", async () => {
    const recipients = [
      "batch.a@example.com",
      "batch.b@example.com",
      "batch.c@example.com",
      "batch.d@example.com",
    ];
    for (const [i, to] of recipients.entries())
      await enqueueMail(h.db, message(to, `Batch ${i}`, i === 0), h.clock.now());
    const sentAt = new Map<string, Date>();
    const transport = {
      isExternal: true,
      close() {},
      async send(mail: { to: string }) {
        if (mail.to === "batch.c@example.com") throw new Error("452 mailbox full");
        h.clock.advance(1_000);
        sentAt.set(mail.to, h.clock.now());
      },
    };
    const log = statementLog();
    const dispatcher = new MailDispatcher({ db: h.db.withPlugin(log.plugin), transport, clock: h.clock });
    const result = await dispatcher.runOnce();
    expect(result.failed).toBe(1);
    expect(result.sent).toBeGreaterThanOrEqual(3);
    // The claim, the refused mail's own mark, and one statement for every mail the server took.
    const statements = log.take();
    expect(statements.filter((text) => text.includes("mail_outbox"))).toHaveLength(3);
    expect(statements.filter((text) => text.includes("SET status = 'sent'"))).toHaveLength(1);

    for (const to of recipients) {
      const [row] = await rowsFor(to);
      if (to === "batch.c@example.com") {
        expect(row).toMatchObject({ status: "pending", sent_at: null, last_error: "452 mailbox full" });
        continue;
      }
      expect(row?.status).toBe("sent");
      expect(row?.sent_at?.getTime()).toBe(sentAt.get(to)?.getTime());
      expect(row?.locked_until).toBeNull();
      // Only the sensitive one (the first) loses its body.
      expect(row?.text_body.includes("123456")).toBe(to !== "batch.a@example.com");
      expect(row?.html_body.includes("123456")).toBe(to !== "batch.a@example.com");
    }
  });

  it("marks what was sent even when a later mail's own mark fails", async () => {
    await enqueueMail(h.db, message("before.fault@example.com", "Before the fault"), h.clock.now());
    h.clock.advance(1);
    await enqueueMail(h.db, message("at.fault@example.com", "At the fault"), h.clock.now());
    const transport = {
      isExternal: false,
      close() {},
      async send(mail: { to: string }) {
        if (mail.to === "at.fault@example.com") throw new Error("421 closing");
      },
    };
    // The refused mail's mark fails (a database that went away between two statements, here a
    // plugin): the batch fails, but the mail the server took is still marked, not sent twice.
    const failingMark = {
      transformQuery: (args: { node: Parameters<KyselyPlugin["transformQuery"]>[0]["node"] }) => {
        if (args.node.kind === "UpdateQueryNode") throw new Error("connection terminated");
        return args.node;
      },
      transformResult: async (args: Parameters<KyselyPlugin["transformResult"]>[0]) => args.result,
    } satisfies KyselyPlugin;
    const dispatcher = new MailDispatcher({ db: h.db.withPlugin(failingMark), transport, clock: h.clock });
    await expect(dispatcher.runOnce()).rejects.toThrow("connection terminated");
    expect((await rowsFor("before.fault@example.com"))[0]?.status).toBe("sent");
    // Still claimed: it comes back when the claim runs out, as a crashed dispatcher's would.
    expect((await rowsFor("at.fault@example.com"))[0]).toMatchObject({ status: "pending", attempts: 1 });
  });

  it("delivers a backlog without waiting for the next poll, over one pooled connection", async () => {
    const count = 45;
    for (let i = 0; i < count; i += 1)
      await enqueueMail(h.db, message(`backlog${i}@example.com`, `Backlog ${i}`), h.clock.now());
    const transport = smtpTransport(sink.url, "Portal <no-reply@portal.test>");
    const connectionsBefore = sink.connections;
    // An hour between polls: the 45 leave in time only if a batch that went out is followed at once.
    const dispatcher = new MailDispatcher({ db: h.db, transport, clock: h.clock, pollMs: 60 * 60_000 });
    dispatcher.start();
    try {
      await vi.waitFor(
        async () => {
          const rows = await h.db
            .selectFrom("mail_outbox")
            .select("status")
            .where("to_address", "like", "backlog%")
            .execute();
          expect(rows.filter((row) => row.status === "sent")).toHaveLength(count);
        },
        { timeout: 20_000, interval: 50 },
      );
    } finally {
      await dispatcher.stop();
      transport.close();
    }
    const backlog = sink.received.filter((mail) => mail.to.some((to) => to.startsWith("backlog")));
    expect(backlog).toHaveLength(count);
    // One connection carried them all, not one connection (greeting, login) per message.
    expect(sink.connections - connectionsBefore).toBe(1);
  });

  it("sends over a connection with Nagle's algorithm off (no wait for a delayed acknowledgement)", async () => {
    const sinkPort = Number(new URL(sink.url).port);
    const delayOff: net.Socket[] = [];
    const setNoDelay = net.Socket.prototype.setNoDelay;
    const spy = vi.spyOn(net.Socket.prototype, "setNoDelay").mockImplementation(function (
      this: net.Socket,
      noDelay?: boolean,
    ) {
      if (noDelay !== false) delayOff.push(this);
      return setNoDelay.call(this, noDelay);
    });
    const transport = smtpTransport(sink.url, "Portal <no-reply@portal.test>");
    try {
      await transport.send({
        to: "no.delay@example.com",
        subject: "No delay",
        text: "Hi",
        html: "<p>Hi</p>",
      });
      // The portal's end of the (pooled, still open) connection: its remote port is the mail server's.
      expect(delayOff.map((socket) => socket.remotePort)).toContain(sinkPort);
    } finally {
      spy.mockRestore();
      transport.close();
    }
    expect(sink.received.some((mail) => mail.to.includes("no.delay@example.com"))).toBe(true);
  });

  it("sends what it writes in one turn of the event loop as one write", async () => {
    const server = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const sockets = [net.connect({ port, host: "127.0.0.1" }), net.connect({ port, host: "127.0.0.1" })];
    await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once("connect", resolve))));
    const coalesced = sockets[0] as net.Socket;
    coalesceWrites(coalesced);
    type Writes = {
      _write: (...args: unknown[]) => void;
      _writev: (chunks: unknown[], done: unknown) => void;
    };
    const writes = (socket: net.Socket) => {
      const counted = socket as unknown as Writes;
      return { write: vi.spyOn(counted, "_write"), writev: vi.spyOn(counted, "_writev") };
    };
    const counts = sockets.map(writes);
    try {
      for (const socket of sockets) for (let i = 0; i < 12; i += 1) socket.write(`line ${i}\r\n`);
      await new Promise((resolve) => setImmediate(resolve));
      expect(counts[0]?.write).not.toHaveBeenCalled();
      expect(counts[0]?.writev).toHaveBeenCalledTimes(1);
      expect(counts[0]?.writev.mock.calls[0]?.[0]).toHaveLength(12);
      // Without it, each piece is a write of its own.
      expect(counts[1]?.write.mock.calls.length).toBeGreaterThan(1);
      // A later turn's writes leave too.
      coalesced.write("later\r\n");
      await new Promise((resolve) => setImmediate(resolve));
      expect(coalesced.writableLength).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("hands the mail server a message in a few writes, not one per piece", async () => {
    const sinkPort = Number(new URL(sink.url).port);
    const transport = smtpTransport(sink.url, "Portal <no-reply@portal.test>");
    const mail = renderMail("Pieces", [{ text: "A paragraph of the notice." }, { text: "Another one." }]);
    const send = (to: string) =>
      transport.send({ to, subject: mail.subject, text: mail.text, html: mail.html });
    const prototype = net.Socket.prototype as unknown as Record<
      "_write" | "_writev",
      (...args: unknown[]) => unknown
    >;
    try {
      await send("first.piece@example.com"); // the connection, its greeting and EHLO
      let writes = 0;
      const count = <K extends "_write" | "_writev">(method: K) => {
        const original = prototype[method] as (...args: unknown[]) => unknown;
        return vi.spyOn(prototype, method).mockImplementation(function (
          this: net.Socket,
          ...args: unknown[]
        ) {
          if (this.remotePort === sinkPort) writes += 1;
          return original.apply(this, args);
        } as never);
      };
      const spies = [count("_write"), count("_writev")];
      try {
        await send("second.piece@example.com");
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      // MAIL FROM, RCPT TO and DATA wait for an answer each; the message itself is a few turns.
      expect(writes).toBeGreaterThanOrEqual(4);
      expect(writes).toBeLessThanOrEqual(9);
    } finally {
      transport.close();
    }
    expect(sink.received.some((m) => m.to.includes("second.piece@example.com"))).toBe(true);
  });

  it("keeps the URL's own pool setting, and pools when it has none", () => {
    expect(pooledSmtpUrl("smtp://mail.example.com:2525")).toBe("smtp://mail.example.com:2525?pool=true");
    expect(pooledSmtpUrl("smtps://user:p%40ss@mail.example.com/?pool=false")).toBe(
      "smtps://user:p%40ss@mail.example.com/?pool=false",
    );
    expect(pooledSmtpUrl("smtp://user:p%40ss@mail.example.com?maxConnections=2")).toBe(
      "smtp://user:p%40ss@mail.example.com?maxConnections=2&pool=true",
    );
  });

  it("refuses a header-injecting subject at the database itself", async () => {
    await expect(
      h.db
        .insertInto("mail_outbox")
        .values({
          created_at: h.clock.now(),
          kind: "raw",
          to_address: "x@example.com",
          subject: "Hi\r\nBcc: victim@example.com",
          text_body: "",
          html_body: "",
          next_attempt_at: h.clock.now(),
        })
        .execute(),
    ).rejects.toThrow();
  });

  it("shows the embedded mailbox newest first at /api/dev/outbox outside production", async () => {
    await enqueueMail(h.db, message("mailbox@example.com", "First"), h.clock.now());
    await enqueueMail(h.db, message("mailbox@example.com", "Second"), h.clock.now());
    const response = await h.inject(null, { url: "/api/dev/outbox?to=mailbox@example.com" });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((i: { subject: string }) => i.subject)).toEqual(["Second", "First"]);
  });
});

describe("rule 12: the embedded mailbox does not exist in production", () => {
  it("answers 404 at /api/dev/outbox when NODE_ENV=production", async () => {
    const h = await createHarness("pglite", {
      env: {
        NODE_ENV: "production",
        DATABASE_URL: "postgres://unused.invalid/portal",
        SMTP_URL: "smtp://127.0.0.1:2525",
        MFA_SECRET_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        PUBLIC_URL: "https://portal.test",
      },
    });
    try {
      const response = await h.inject(null, { url: "/api/dev/outbox" });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("not_found");
      expect(h.app.accessTable.some((r) => r.url === "/api/dev/outbox")).toBe(false);
    } finally {
      await h.close();
    }
  });
});
