// Company settings > Security (`security.manage`): the company's security policy (two-factor
// requirement, session idle timeout, invitation email domains) and the members who have no second
// factor. Saving may open the Email Verification window first (the API client does that).
import { Alert, App, Button, Form, InputNumber, Select, Skeleton, Switch, Table, Typography } from "antd";
import { useEffect, useId } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { isApiError } from "../api/client";
import { useChangeSecurityPolicy, useSecurityPolicy } from "../api/securityPolicyQueries";
import type { SecurityPolicy } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { describeError } from "../components/errorMessages";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { DomainsSection } from "../components/security/DomainsSection";
import { ScimTokensSection } from "../components/security/ScimTokensSection";
import { SsoSection } from "../components/security/SsoSection";
import { useCan } from "../components/useCan";
import { memberDetailPath } from "../navigation";

interface PolicyForm {
  requireMfa: boolean;
  sessionIdleMinutes: number | null;
  inviteDomains: string[];
  inactivityDays: number;
}

/** The field a refusal concerns, so the form shows it there. */
const FIELD_OF_CODE: Record<string, keyof PolicyForm> = {
  session_idle_out_of_range: "sessionIdleMinutes",
  invalid_invite_domain: "inviteDomains",
  duplicate_invite_domain: "inviteDomains",
  too_many_invite_domains: "inviteDomains",
};

function PolicyEditor({ companyId, policy }: { companyId: string; policy: SecurityPolicy }) {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const { membership } = useCurrentMembership();
  const [form] = Form.useForm<PolicyForm>();
  const change = useChangeSecurityPolicy(companyId);
  const requireMfa = Form.useWatch("requireMfa", form);
  const isCallerWithoutFactor = policy.membersWithoutSecondFactor.some(
    (member) => member.memberId === membership.memberId,
  );

  useEffect(() => {
    form.setFieldsValue({
      requireMfa: policy.requireMfa,
      sessionIdleMinutes: policy.sessionIdleMinutes,
      inviteDomains: policy.inviteDomains,
      inactivityDays: policy.inactivityDays,
    });
  }, [form, policy]);

  const save = (values: PolicyForm) => {
    change.mutate(
      {
        requireMfa: values.requireMfa,
        sessionIdleMinutes: values.sessionIdleMinutes ?? null,
        inviteDomains: (values.inviteDomains ?? []).map((domain) => domain.trim().replace(/^@/, "")),
        inactivityDays: values.inactivityDays,
      },
      {
        onSuccess: () => void message.success(t("policy.saved")),
        onError: (error) => {
          const field = isApiError(error) ? FIELD_OF_CODE[error.code] : undefined;
          if (field !== undefined) form.setFields([{ name: field, errors: [describeError(error)] }]);
          else void message.error(describeError(error));
        },
      },
    );
  };

  return (
    <Form<PolicyForm> form={form} layout="vertical" onFinish={save} style={{ maxWidth: 560 }}>
      <Form.Item
        name="requireMfa"
        label={t("policy.requireMfa")}
        valuePropName="checked"
        extra={t("policy.requireMfaHint")}
      >
        <Switch />
      </Form.Item>
      {requireMfa === true && isCallerWithoutFactor && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 24 }}
          message={t("policy.callerWithoutFactor")}
          description={t("policy.callerWithoutFactorDetail")}
        />
      )}
      <Form.Item
        name="sessionIdleMinutes"
        label={t("policy.idleTimeout")}
        extra={t("policy.idleTimeoutHint", { max: policy.maxSessionIdleMinutes })}
      >
        <InputNumber
          min={5}
          max={policy.maxSessionIdleMinutes}
          precision={0}
          placeholder={String(policy.maxSessionIdleMinutes)}
          style={{ width: 160 }}
        />
      </Form.Item>
      <Form.Item
        name="inactivityDays"
        label={t("policy.inactivityDays")}
        extra={t("policy.inactivityDaysHint")}
        rules={[{ required: true, message: t("policy.enterInactivityDays") }]}
      >
        <InputNumber min={14} max={90} precision={0} style={{ width: 160 }} />
      </Form.Item>
      <Form.Item name="inviteDomains" label={t("policy.inviteDomains")} extra={t("policy.inviteDomainsHint")}>
        <Select mode="tags" tokenSeparators={[",", " "]} open={false} suffixIcon={null} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        {t("policy.save")}
      </Button>
    </Form>
  );
}

function MembersWithoutFactor({ companyId, policy }: { companyId: string; policy: SecurityPolicy }) {
  const { t } = useTranslation("security");
  const headingId = useId();
  const canViewMembers = useCan("members.view");
  const members = policy.membersWithoutSecondFactor;
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{t("policy.withoutFactor")}</SectionTitle>
      {members.length === 0 ? (
        <Typography.Paragraph>{t("policy.everyoneHasFactor")}</Typography.Paragraph>
      ) : (
        <>
          <Table
            rowKey="memberId"
            size="small"
            pagination={false}
            dataSource={members}
            aria-labelledby={headingId}
            columns={[
              {
                title: t("policy.name"),
                dataIndex: "name",
                render: (name: string, member) =>
                  canViewMembers ? (
                    <Link to={memberDetailPath(companyId, member.memberId)}>{name}</Link>
                  ) : (
                    name
                  ),
              },
              { title: t("policy.email"), dataIndex: "email" },
            ]}
          />
          {policy.hasMoreMembersWithoutSecondFactor && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              {t("policy.moreWithoutFactor", { count: members.length })}
            </Typography.Paragraph>
          )}
        </>
      )}
    </section>
  );
}

export function SecurityPolicyPage() {
  const { t } = useTranslation("security");
  const { membership } = useCurrentMembership();
  const policy = useSecurityPolicy(membership.companyId);
  return (
    <>
      <PageTitle>{t("policy.title")}</PageTitle>
      {policy.isPending ? (
        <Skeleton active />
      ) : policy.isError ? (
        <QueryErrorResult error={policy.error} onRetry={() => policy.refetch()} />
      ) : (
        <>
          <PolicyEditor companyId={membership.companyId} policy={policy.data} />
          <MembersWithoutFactor companyId={membership.companyId} policy={policy.data} />
        </>
      )}
      <DomainsSection companyId={membership.companyId} />
      <SsoSection companyId={membership.companyId} />
      <ScimTokensSection companyId={membership.companyId} />
    </>
  );
}
