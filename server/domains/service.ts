// A company's verified domains (SPEC §6.3): adding one gives a TXT record to publish, verifying reads
// it through DNS, and a domain is verified by at most one company. Every change is audited.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import { isUniqueViolation } from "../db/error-kinds.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { canonicalInviteDomain } from "../security-policy/service.js";
import { DnsUnavailableError, type TxtLookup } from "./dns.js";
import {
  countDomains,
  type DomainRow,
  deleteDomain,
  findDomain,
  insertDomain,
  listDomains,
  markDomainVerified,
} from "./queries.js";

/** A company claims a handful of domains at most; more is a script, not an Admin. */
export const MAX_DOMAINS_PER_COMPANY = 20;
export const TXT_PREFIX = "portal-verification=";

export type DomainContext = {
  db: Kysely<DB>;
  companyId: string;
  actor: { accountId: string; email: string };
  meta: RequestMeta;
  now: Date;
};

export type DomainView = {
  id: string;
  domain: string;
  status: "pending" | "verified";
  /** What to publish: a TXT record at the domain itself with this value. */
  txtRecord: { name: string; value: string };
  verifiedAt: string | null;
  createdAt: string;
};

function domainView(row: DomainRow): DomainView {
  return {
    id: row.id,
    domain: row.domain,
    status: row.verified_at ? "verified" : "pending",
    txtRecord: { name: row.domain, value: `${TXT_PREFIX}${row.verification_token}` },
    verifiedAt: row.verified_at ? new Date(row.verified_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listCompanyDomains(db: Kysely<DB>, companyId: string): Promise<DomainView[]> {
  return (await listDomains(db, companyId)).map(domainView);
}

/** A domain as emails store it (NFKC, lowercase, IDNA), within what company_domains accepts. */
export function canonicalDomain(raw: string): string {
  const domain = canonicalInviteDomain(raw);
  if (domain === null || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain) || domain.length > 253) {
    throw new AppError("invalid_domain", `"${raw.slice(0, 100)}" is not a domain name.`, {
      field: "body.domain",
    });
  }
  return domain;
}

function event(
  ctx: DomainContext,
  action: "domain.added" | "domain.verified" | "domain.removed",
  row: DomainRow,
) {
  return {
    action,
    outcome: "success" as const,
    companyId: ctx.companyId,
    actor: ctx.actor,
    target: { type: "domain", id: row.id },
    details: { domain: row.domain },
    meta: ctx.meta,
    at: ctx.now,
  };
}

export async function addDomain(ctx: DomainContext, input: { domain: string }): Promise<DomainView> {
  const domain = canonicalDomain(input.domain);
  return ctx.db.transaction().execute(async (trx) => {
    if ((await countDomains(trx, ctx.companyId)) >= MAX_DOMAINS_PER_COMPANY) {
      throw new AppError("domain_limit_reached");
    }
    let row: DomainRow;
    try {
      // Not secret (it is published), only unguessable so that nobody's old record proves a new claim.
      const token = randomBytes(16).toString("hex");
      row = await insertDomain(trx, { ...ctx, accountId: ctx.actor.accountId, domain, token });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("domain_already_added", undefined, { domain });
      throw error;
    }
    await recordAudit(trx, event(ctx, "domain.added", row));
    return domainView(row);
  });
}

/**
 * Looks for `portal-verification=<token>` among the domain's TXT records. Found: the domain is the
 * company's, unless another company verified it first (the unique index decides, also under races).
 * Not found: 409 domain_verification_failed, audited, and the domain stays pending.
 */
export async function verifyDomain(
  ctx: DomainContext,
  lookup: TxtLookup,
  domainId: string,
): Promise<DomainView> {
  const row = await findDomain(ctx.db, ctx.companyId, domainId);
  if (!row) throw new AppError("not_found");
  if (row.verified_at) return domainView(row);
  let records: string[];
  try {
    records = await lookup(row.domain);
  } catch (error) {
    if (error instanceof DnsUnavailableError) {
      throw new AppError("service_unavailable", "The DNS look-up failed; try again in a moment.");
    }
    throw error;
  }
  const expected = `${TXT_PREFIX}${row.verification_token}`;
  const refuse = async (reason: "txt_record_missing" | "domain_taken") => {
    await recordAudit(ctx.db, {
      ...event(ctx, "domain.verified", row),
      action: "domain.verification_failed",
      outcome: "failure",
      details: { domain: row.domain, reason, txtRecordsFound: records.length },
    });
  };
  if (!records.some((record) => record.trim() === expected)) {
    await refuse("txt_record_missing");
    throw new AppError(
      "domain_verification_failed",
      `No TXT record "${expected}" was found at ${row.domain}. Publish it, wait for DNS to update, then verify again.`,
      { domain: row.domain, txtRecordsFound: records.length },
    );
  }
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const verified = await markDomainVerified(trx, ctx.companyId, domainId, ctx.now);
      // Verified meanwhile by a concurrent request of this company: that request audited it.
      if (!verified) return domainView((await findDomain(trx, ctx.companyId, domainId)) ?? row);
      await recordAudit(trx, event(ctx, "domain.verified", verified));
      return domainView(verified);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await refuse("domain_taken");
    throw new AppError("domain_taken", undefined, { domain: row.domain });
  }
}

export async function removeDomain(ctx: DomainContext, domainId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await deleteDomain(trx, ctx.companyId, domainId);
    if (!row) throw new AppError("not_found");
    await recordAudit(trx, {
      ...event(ctx, "domain.removed", row),
      details: { domain: row.domain, wasVerified: row.verified_at !== null },
    });
  });
}
