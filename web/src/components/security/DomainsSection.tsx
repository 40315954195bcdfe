// Company settings → Security → Domains (`security.manage`, SPEC §6.3): add a domain, publish the TXT
// record shown, then verify it through DNS. Every change may ask for an Email Verification first.
import { App, Button, Form, Input, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { useAddDomain, useDomains, useRemoveDomain, useVerifyDomain } from "../../api/domainQueries";
import type { CompanyDomain } from "../../api/types";
import { describeError } from "../errorMessages";
import { Instant } from "../Instant";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";

function AddDomainForm({ companyId }: { companyId: string }) {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const [form] = Form.useForm<{ domain: string }>();
  const add = useAddDomain(companyId);
  const submit = ({ domain }: { domain: string }) =>
    add.mutate(domain.trim(), {
      onSuccess: (added) => {
        form.resetFields();
        void message.success(t("domains.added", { domain: added.domain }));
      },
      onError: (error) => form.setFields([{ name: "domain", errors: [describeError(error)] }]),
    });
  return (
    <Form
      form={form}
      name="add-domain"
      layout="inline"
      onFinish={submit}
      style={{ marginBottom: 16, rowGap: 8 }}
    >
      <Form.Item
        name="domain"
        label={t("domains.domain")}
        rules={[{ required: true, whitespace: true, message: t("domains.enterDomain") }]}
      >
        <Input placeholder="example.com" autoComplete="off" style={{ width: 240 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={add.isPending}>
        {t("domains.add")}
      </Button>
    </Form>
  );
}

function DomainActions({ companyId, domain }: { companyId: string; domain: CompanyDomain }) {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const verify = useVerifyDomain(companyId);
  const remove = useRemoveDomain(companyId);
  return (
    <Space wrap>
      {domain.status === "pending" && (
        <Button
          size="small"
          aria-label={t("domains.verifyNamed", { domain: domain.domain })}
          loading={verify.isPending}
          onClick={() =>
            verify.mutate(domain.id, {
              onSuccess: () => void message.success(t("domains.verified", { domain: domain.domain })),
              onError: (error) => void message.error(describeError(error)),
            })
          }
        >
          {t("domains.verify")}
        </Button>
      )}
      <Popconfirm
        title={t("domains.removeConfirm", { domain: domain.domain })}
        description={domain.status === "verified" ? t("domains.removeConfirmDetail") : undefined}
        okText={t("domains.remove")}
        onConfirm={() =>
          remove.mutate(domain.id, {
            onSuccess: () => void message.success(t("domains.removed", { domain: domain.domain })),
            onError: (error) => void message.error(describeError(error)),
          })
        }
      >
        <Button
          size="small"
          danger
          aria-label={t("domains.removeNamed", { domain: domain.domain })}
          loading={remove.isPending}
        >
          {t("domains.remove")}
        </Button>
      </Popconfirm>
    </Space>
  );
}

export function DomainsSection({ companyId }: { companyId: string }) {
  const { t } = useTranslation("security");
  const headingId = useId();
  const domains = useDomains(companyId);
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{t("domains.title")}</SectionTitle>
      <Typography.Paragraph type="secondary">{t("domains.intro")}</Typography.Paragraph>
      <AddDomainForm companyId={companyId} />
      {domains.isError ? (
        <QueryErrorResult error={domains.error} onRetry={() => domains.refetch()} />
      ) : (
        <Table<CompanyDomain>
          rowKey="id"
          size="small"
          loading={domains.isPending}
          pagination={false}
          dataSource={domains.data?.items ?? []}
          aria-labelledby={headingId}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("domains.none") }}
          columns={[
            { title: t("domains.domain"), dataIndex: "domain" },
            {
              title: t("domains.status"),
              dataIndex: "status",
              render: (_: unknown, domain) =>
                domain.status === "verified" ? (
                  <Space size={4} wrap>
                    <Tag color="green">{t("domains.statusVerified")}</Tag>
                    {domain.verifiedAt && <Instant iso={domain.verifiedAt} />}
                  </Space>
                ) : (
                  <Tag color="blue">{t("domains.statusPending")}</Tag>
                ),
            },
            {
              title: t("domains.txtRecord"),
              key: "txt",
              render: (_: unknown, domain) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text type="secondary">
                    {t("domains.txtName", { name: domain.txtRecord.name })}
                  </Typography.Text>
                  <Typography.Text code copyable={{ text: domain.txtRecord.value }}>
                    {domain.txtRecord.value}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t("domains.actions"),
              key: "actions",
              render: (_: unknown, domain) => <DomainActions companyId={companyId} domain={domain} />,
            },
          ]}
        />
      )}
    </section>
  );
}
