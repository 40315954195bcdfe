// Browser test: an access review whose completion a database failure stopped part-way says so,
// offers "Finish completing", and finishing it applies the rest, each outcome in words.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { logIn, openSection, passEmailVerificationIfAsked } from "./support/pages.js";
import { usePortalAndBrowser } from "./support/portal.js";

describe("finishing an interrupted access review in Chromium", () => {
  const held = usePortalAndBrowser();

  it("shows the stopped completion and finishes it", async () => {
    const { portal, browser } = held;
    const db = portal.database.db;
    const admin = portal.credentials("admin");
    const operations = portal.credentials("operations");
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, portal.url, admin.email, admin.password);
    await openSection(page, "Access reviews");
    await page.getByRole("button", { name: "Start access review" }).click();
    await page.getByRole("button", { name: "Complete review" }).waitFor();

    // Every member decided (as the reviewers would in the table): the Operations member is to go.
    const review = await db
      .selectFrom("access_reviews")
      .select(["id"])
      .where("status", "=", "open")
      .executeTakeFirstOrThrow();
    const adminAccount = await db
      .selectFrom("accounts")
      .select("id")
      .where("email", "=", admin.email)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("access_review_items")
      .set({
        decision: sql`CASE WHEN email = ${operations.email} THEN 'deactivate' ELSE 'keep' END`,
        decided_by: adminAccount.id,
        decided_at: new Date(),
      })
      .where("review_id", "=", review.id)
      .execute();
    const operationsMember = await db
      .selectFrom("members")
      .select("id")
      .where("email", "=", operations.email)
      .executeTakeFirstOrThrow();

    await sql`CREATE FUNCTION e2e_refuse_member_change() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$`.execute(db);
    await sql`CREATE TRIGGER e2e_refuse_member_change BEFORE UPDATE ON members FOR EACH ROW
                WHEN (OLD.id = ${sql.lit(operationsMember.id)}::uuid) EXECUTE FUNCTION e2e_refuse_member_change()`.execute(
      db,
    );
    const warning = page.getByText(/The completion stopped before every decision was applied/);
    try {
      await page.reload();
      await page.getByRole("button", { name: "Complete review" }).click();
      await passEmailVerificationIfAsked(page, portal.latestMail, admin.email, () => warning.isVisible());
    } finally {
      await sql`DROP TRIGGER e2e_refuse_member_change ON members`.execute(db);
      await sql`DROP FUNCTION e2e_refuse_member_change()`.execute(db);
    }
    const finish = page.getByRole("button", { name: "Finish completing" });
    await finish.waitFor();
    expect(await page.getByRole("button", { name: "Complete review" }).count()).toBe(0);

    await finish.click();
    await page.getByText("The access review was completed").waitFor();
    await expect.poll(() => warning.count()).toBe(0);
    expect(await finish.count()).toBe(0);
    await page.getByText("Completed", { exact: true }).waitFor();
    const row = page.getByRole("row").filter({ hasText: operations.email });
    await row.getByText("Applied", { exact: true }).waitFor();
    const member = await db
      .selectFrom("members")
      .select("status")
      .where("id", "=", operationsMember.id)
      .executeTakeFirstOrThrow();
    expect(member.status).toBe("deactivated");
    await context.close();
  });
});
