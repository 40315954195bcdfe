// The known-device lockout (rule 14, PCI DSS 8.3.4): 10 consecutive wrong passwords lock only the device
// they came from, or only the unknown devices of an email, for 30 minutes; the owner is mailed an unlock link.
import type { Kysely, Transaction } from "kysely";
import { hashSecretToken, looksLikeSecretToken, newSecretToken } from "../access/tokens.js";
import type { AuditAction } from "../audit/actions.js";
import { type RequestMeta, recordAudit } from "../audit/writer.js";
import type { DB } from "../db/schema.js";
import { AppError } from "../errors.js";
import { enqueueMail, recipientLocale } from "../mail/outbox.js";
import {
  clearAllKnownDeviceFailures,
  clearKnownDeviceFailures,
  clearUnknownDevicesFailures,
  countKnownDeviceFailure,
  countUnknownDevicesFailure,
  deleteKnownDevices,
  findAccountEmail,
  findLiveDevices,
  findUnknownDevicesLock,
  insertKnownDevice,
  insertUnlockLink,
  type LiveDevice,
  lockKnownDevice,
  lockUnknownDevices,
  redeemUnlockLink,
  renewKnownDevice,
} from "./lockout-queries.js";
import { loginLockedMail } from "./mails.js";
import type { AuthDeps } from "./service.js";

export const LOGIN_LOCK_AFTER_FAILURES = 10;
export const LOGIN_LOCK_MS = 30 * 60_000;
export const KNOWN_DEVICE_LIFETIME_MS = 180 * 24 * 60 * 60_000;
export const UNLOCK_LINK_LIFETIME_MS = 30 * 60_000;
/** How long the browser that opened an unlock link may log in past the lock. */
export const UNLOCK_PASS_LIFETIME_MS = 30 * 60_000;
/** The web page an unlock link opens; it reads the token from the fragment and sends no Referer. */
export const UNLOCK_PAGE_PATH = "/unlock-login";

/**
 * Where a wrong password for an email is counted: on the request's known device of that email's account,
 * else on the one counter of all unknown devices of the email (existing account or not, alike).
 */
export type FailureCounter =
  | { kind: "known_device"; deviceId: string }
  | { kind: "unknown_devices"; email: string };

export type LoginGate = { counter: FailureCounter; lockedUntil: Date | null };

type Executor = Kysely<DB> | Transaction<DB>;

function deviceOfAccount(
  devices: LiveDevice[],
  tokens: readonly string[],
  match: (d: LiveDevice) => boolean,
) {
  // The cookie lists the newest first; the first live device that matches wins.
  for (const token of tokens) {
    const device = devices.find((d) => d.token_hash === hashSecretToken(token) && match(d));
    if (device) return { device, token };
  }
  return null;
}

/**
 * Which counter a login attempt for this canonical email uses, and until when it is locked (null when
 * it is not). A device cookie of another account is ignored: the attempt counts as an unknown device.
 */
export async function openLoginGate(
  db: Executor,
  input: { email: string; deviceTokens: readonly string[]; now: Date },
): Promise<LoginGate> {
  const devices = await findLiveDevices(db, input.deviceTokens.map(hashSecretToken), input.now);
  const known = deviceOfAccount(devices, input.deviceTokens, (d) => d.email === input.email);
  const isLocked = (until: Date | null) => (until && until.getTime() > input.now.getTime() ? until : null);
  if (known) {
    return {
      counter: { kind: "known_device", deviceId: known.device.id },
      lockedUntil: isLocked(known.device.locked_until),
    };
  }
  return {
    counter: { kind: "unknown_devices", email: input.email },
    lockedUntil: isLocked(await findUnknownDevicesLock(db, input.email)),
  };
}

/**
 * Counts one wrong password on the gate's counter; the tenth in a row locks it for 30 minutes and, when
 * the email has an account, mails its owner a single-use unlock link. Also used by the password change
 * and the invitation acceptance, which name their own audit action (and actor). The per-IP delays are
 * counted apart, by the callers that apply them (service.ts).
 */
export async function recordLoginFailure(
  deps: AuthDeps,
  input: {
    counter: FailureCounter;
    email: string;
    accountId: string | null;
    /** PUBLIC_URL, which the unlock link is built from. */
    publicUrl: string;
    meta: RequestMeta;
    now: Date;
    failedAction?: AuditAction;
    actor?: { accountId: string; email: string };
  },
): Promise<void> {
  const { counter, now } = input;
  await deps.db.transaction().execute(async (trx) => {
    const failures =
      counter.kind === "known_device"
        ? await countKnownDeviceFailure(trx, counter.deviceId)
        : await countUnknownDevicesFailure(trx, counter.email, now);
    const isLocked = failures >= LOGIN_LOCK_AFTER_FAILURES;
    if (isLocked) {
      const until = new Date(now.getTime() + LOGIN_LOCK_MS);
      if (counter.kind === "known_device") await lockKnownDevice(trx, counter.deviceId, until);
      else await lockUnknownDevices(trx, counter.email, until);
    }
    // Rule 14: the owner learns of the lock, once per lock (a locked counter counts nothing more), and
    // gets a way past it. An email without an account gets no mail, so a lock reveals nothing.
    const isOwnerMailed = isLocked && input.accountId !== null;
    if (isLocked && input.accountId !== null) {
      await mailUnlockLink(trx, input.publicUrl, {
        accountId: input.accountId,
        email: input.email,
        scope: counter.kind,
        now,
      });
    }
    await recordAudit(trx, {
      action: isLocked ? "auth.login_locked" : (input.failedAction ?? "auth.login_failed"),
      outcome: "failure",
      actor: input.actor ?? null,
      details: {
        email: input.email,
        accountExists: input.accountId !== null,
        consecutiveFailures: failures,
        device: counter.kind === "known_device" ? "known" : "unknown",
        ...(counter.kind === "known_device" ? { deviceId: counter.deviceId } : {}),
        ...(isLocked ? { lockedMinutes: LOGIN_LOCK_MS / 60_000, unlockLinkMailed: isOwnerMailed } : {}),
      },
      target: input.accountId ? { type: "account", id: input.accountId } : null,
      meta: input.meta,
      at: now,
    });
  });
}

/** `email` is the account's stored canonical address: the one the login found it by. */
async function mailUnlockLink(
  trx: Transaction<DB>,
  publicUrl: string,
  input: { accountId: string; email: string; scope: FailureCounter["kind"]; now: Date },
) {
  const token = newSecretToken();
  await insertUnlockLink(trx, {
    accountId: input.accountId,
    tokenHash: hashSecretToken(token),
    now: input.now,
    expiresAt: new Date(input.now.getTime() + UNLOCK_LINK_LIFETIME_MS),
  });
  // The fragment never reaches a server, a log or a Referer; the page reads it and posts it.
  const unlockUrl = `${publicUrl}${UNLOCK_PAGE_PATH}#token=${token}`;
  await enqueueMail(
    trx,
    {
      kind: "login_locked",
      to: input.email,
      mail: loginLockedMail({
        locale: await recipientLocale(trx, input.accountId),
        lockMs: LOGIN_LOCK_MS,
        scope: input.scope,
        unlockUrl,
        validMinutes: UNLOCK_LINK_LIFETIME_MS / 60_000,
      }),
      isSensitive: true,
    },
    input.now,
  );
}

/** A proven password (a login, an acceptance, a change) ends the run of failures on its counter. */
export async function forgetLoginFailures(db: Executor, counter: FailureCounter): Promise<void> {
  if (counter.kind === "known_device") await clearKnownDeviceFailures(db, counter.deviceId);
  else await clearUnknownDevicesFailures(db, counter.email);
}

/** A password reset proves the mailbox: every lock of the account ends, on its devices and elsewhere. */
export async function liftLoginLocks(db: Executor, account: { id: string; email: string }): Promise<void> {
  await clearUnknownDevicesFailures(db, account.email);
  await clearAllKnownDeviceFailures(db, account.id);
}

/**
 * After a successful login to an account, the browser is (still) a known device of it: its device of
 * that account lives another 180 days, or a new one is made. Returns the tokens its cookie now holds,
 * this device's first; devices of other accounts stay in the cookie while they live.
 */
export async function rememberDevice(
  trx: Transaction<DB>,
  input: { accountId: string; deviceTokens: readonly string[]; now: Date },
): Promise<string[]> {
  const devices = await findLiveDevices(trx, input.deviceTokens.map(hashSecretToken), input.now);
  const expiresAt = new Date(input.now.getTime() + KNOWN_DEVICE_LIFETIME_MS);
  const known = deviceOfAccount(devices, input.deviceTokens, (d) => d.account_id === input.accountId);
  let token: string;
  if (known) {
    token = known.token;
    await renewKnownDevice(trx, known.device.id, input.now, expiresAt);
  } else {
    token = newSecretToken();
    await insertKnownDevice(trx, {
      accountId: input.accountId,
      tokenHash: hashSecretToken(token),
      now: input.now,
      expiresAt,
      isUnlockPass: false,
    });
  }
  return [token, ...liveTokensOtherThan(devices, input.deviceTokens, token)];
}

function liveTokensOtherThan(devices: LiveDevice[], tokens: readonly string[], except: string): string[] {
  const liveHashes = new Set(devices.map((d) => d.token_hash));
  return tokens.filter((t) => t !== except && liveHashes.has(hashSecretToken(t)));
}

/**
 * Redeems an emailed unlock link on the browser that opened it: the link dies, and the browser gets an
 * unlock pass, a device of the account with no failures that lives 30 minutes, so one login gets
 * through whatever lock stands. The browser's earlier device of that account (perhaps the locked one)
 * is replaced by it.
 */
export async function unlockLoginOnDevice(
  deps: AuthDeps,
  input: { token: unknown; deviceTokens: readonly string[]; meta: RequestMeta },
): Promise<{ deviceTokens: string[]; email: string; validUntil: Date }> {
  const { db, clock } = deps;
  const now = clock.now();
  const redeemed = looksLikeSecretToken(input.token)
    ? await db.transaction().execute(async (trx) => {
        const link = await redeemUnlockLink(trx, hashSecretToken(input.token as string), now);
        const account = link ? await findAccountEmail(trx, link.account_id) : undefined;
        if (!account) return null;
        const devices = await findLiveDevices(trx, input.deviceTokens.map(hashSecretToken), now);
        const replaced = devices.filter((d) => d.account_id === account.id);
        await deleteKnownDevices(
          trx,
          replaced.map((d) => d.id),
        );
        const token = newSecretToken();
        const validUntil = new Date(now.getTime() + UNLOCK_PASS_LIFETIME_MS);
        await insertKnownDevice(trx, {
          accountId: account.id,
          tokenHash: hashSecretToken(token),
          now,
          expiresAt: validUntil,
          isUnlockPass: true,
        });
        await recordAudit(trx, {
          action: "auth.login_unlocked",
          outcome: "success",
          actor: { accountId: account.id, email: account.email },
          target: { type: "account", id: account.id },
          details: { email: account.email, replacedDevices: replaced.length },
          meta: input.meta,
          at: now,
        });
        const others = devices.filter((d) => d.account_id !== account.id);
        return {
          email: account.email,
          validUntil,
          deviceTokens: [token, ...liveTokensOtherThan(others, input.deviceTokens, token)],
        };
      })
    : null;
  if (redeemed) return redeemed;
  await recordAudit(db, {
    action: "auth.unlock_link_failed",
    outcome: "failure",
    details: { reason: "link_invalid_used_or_expired" },
    meta: input.meta,
    at: now,
  });
  throw new AppError("unlock_link_invalid");
}
