// SPEC §6.6 and §6.7: the audit log reads in the reader's language. With the Chinese catalogue, a
// role change and a deactivation are Chinese sentences with the people's names and the role lists,
// and every action has a Chinese sentence without an English template left in it.
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../server/audit/actions.js";
import { auditActionLabel } from "../../web/src/components/audit/auditActionLabels.js";
import { describeAuditEvent } from "../../web/src/components/audit/auditSentences.js";
import type { AuditText } from "../../web/src/components/audit/auditText.js";
import { describeAuditDetails } from "../../web/src/components/audit/describeAuditEvent.js";
import chineseAudit from "../../web/src/i18n/locales/zh-CN/audit.json" with { type: "json" };
import chineseCatalogue from "../../web/src/i18n/locales/zh-CN/catalogue.json" with { type: "json" };

const catalogues = i18next.createInstance();
await catalogues.init({
  lng: "zh-CN",
  initAsync: false,
  resources: { "zh-CN": { audit: chineseAudit, catalogue: chineseCatalogue } },
  ns: ["audit", "catalogue"],
  defaultNS: "audit",
  interpolation: { escapeValue: false },
});
const translate = catalogues.getFixedT("zh-CN", "audit");
const chinese: AuditText = (key, values) => translate(key, values ?? {}) as string;

type Event = Parameters<typeof describeAuditEvent>[0];

const ada = {
  accountId: "5f0c6f7e-8d0a-4c47-9a53-0a1f4b2c9d11",
  email: "ada@example.com",
  name: "Ada Admin",
};
const boLee = {
  type: "member",
  id: "0e6a2a1c-3b7d-4f1e-8c55-9d2b7c1e4a22",
  name: "Bo Lee",
  email: "bo@example.com",
};

function event(action: string, details: Record<string, unknown>, overrides: Partial<Event> = {}): Event {
  return { action, outcome: "success", actor: ada, target: boLee, details, ...overrides };
}

describe("SPEC §6.6: the audit log in Chinese", () => {
  it("writes a role change with the names and both role lists, predefined roles in Chinese", () => {
    const details = {
      before: { roles: [{ id: boLee.id, key: "finance", name: "Finance" }] },
      after: {
        roles: [
          { id: boLee.id, key: "operations", name: "Operations" },
          { id: ada.accountId, key: null, name: "Support" },
          { id: ada.accountId, key: null, name: "审计" },
        ],
      },
    };
    expect(describeAuditEvent(event("member.roles_changed", details), chinese)).toBe(
      "Ada Admin将Bo Lee的角色从财务更改为运营、Support和审计。",
    );
  });

  it("writes a deactivation, and a refused one with its reason in Chinese", () => {
    expect(describeAuditEvent(event("member.deactivated", {}), chinese)).toBe("Ada Admin停用了Bo Lee。");
    expect(
      describeAuditEvent(
        event("member.deactivate_refused", { reason: "last_admin" }, { outcome: "denied" }),
        chinese,
      ),
    ).toBe("Ada Admin停用Bo Lee的操作被拒绝：公司将没有管理员。");
    expect(describeAuditEvent(event("member.deactivated", {}, { actor: null }), chinese)).toBe(
      "系统停用了Bo Lee。",
    );
  });

  it("has a Chinese sentence and label for every action, with no English template left", () => {
    for (const action of AUDIT_ACTIONS) {
      const sentence = describeAuditEvent(event(action, { reason: "forbidden", roles: [] }), chinese);
      expect(sentence, action).toMatch(/\p{Script=Han}.*。$/u);
      expect(sentence, action).not.toMatch(/\b(changed|was|the|refused|logged)\b/);
      expect(auditActionLabel(action, chinese), action).toMatch(/\p{Script=Han}/u);
    }
  });

  it("writes details in Chinese, permissions by the catalogue's Chinese labels", () => {
    expect(
      describeAuditDetails(
        "auth.login_locked",
        { consecutiveFailures: 5, device: "unknown", lockedMinutes: 15, unlockLinkMailed: true },
        chinese,
      ),
    ).toBe("连续失败 5 次；来自未知设备；锁定 15 分钟；解锁链接已通过邮件发送");
    const permissions = describeAuditDetails("role.created", { permissions: ["transactions.view"] }, chinese);
    expect(permissions).toMatch(/^权限 \p{Script=Han}/u);
  });
});
