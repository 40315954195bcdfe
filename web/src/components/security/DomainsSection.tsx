// Company settings → Security → Domains (`security.manage`, SPEC §6.3): add a domain, publish the TXT
// record shown, then verify it through DNS. Every change may ask for an Email Verification first.
import { App, Button, Form, Input, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useId } from "react";
import { useAddDomain, useDomains, useRemoveDomain, useVerifyDomain } from "../../api/domainQueries";
import type { CompanyDomain } from "../../api/types";
import { describeError } from "../errorMessages";
import { Instant } from "../Instant";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";

export const DOMAINS_TITLE = "Domains";
export const DOMAIN_FIELD_LABEL = "Domain";

function AddDomainForm({ companyId }: { companyId: string }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ domain: string }>();
  const add = useAddDomain(companyId);
  const submit = ({ domain }: { domain: string }) =>
    add.mutate(domain.trim(), {
      onSuccess: (added) => {
        form.resetFields();
        void message.success(`${added.domain} was added; publish its TXT record, then verify it`);
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
        label={DOMAIN_FIELD_LABEL}
        rules={[{ required: true, whitespace: true, message: "Enter a domain, for example example.com" }]}
      >
        <Input placeholder="example.com" autoComplete="off" style={{ width: 240 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={add.isPending}>
        Add domain
      </Button>
    </Form>
  );
}

function DomainActions({ companyId, domain }: { companyId: string; domain: CompanyDomain }) {
  const { message } = App.useApp();
  const verify = useVerifyDomain(companyId);
  const remove = useRemoveDomain(companyId);
  return (
    <Space wrap>
      {domain.status === "pending" && (
        <Button
          size="small"
          aria-label={`Verify ${domain.domain}`}
          loading={verify.isPending}
          onClick={() =>
            verify.mutate(domain.id, {
              onSuccess: () => void message.success(`${domain.domain} is verified`),
              onError: (error) => void message.error(describeError(error)),
            })
          }
        >
          Verify
        </Button>
      )}
      <Popconfirm
        title={`Remove ${domain.domain}?`}
        description={
          domain.status === "verified" ? "It stops counting as this company's domain at once." : undefined
        }
        okText="Remove"
        onConfirm={() =>
          remove.mutate(domain.id, {
            onSuccess: () => void message.success(`${domain.domain} was removed`),
            onError: (error) => void message.error(describeError(error)),
          })
        }
      >
        <Button size="small" danger aria-label={`Remove ${domain.domain}`} loading={remove.isPending}>
          Remove
        </Button>
      </Popconfirm>
    </Space>
  );
}

export function DomainsSection({ companyId }: { companyId: string }) {
  const headingId = useId();
  const domains = useDomains(companyId);
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{DOMAINS_TITLE}</SectionTitle>
      <Typography.Paragraph type="secondary">
        Prove the company owns a domain by publishing a DNS TXT record at it. A verified domain belongs to
        this company only; single sign-on and SCIM provisioning use it.
      </Typography.Paragraph>
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
          locale={{ emptyText: "No domain yet" }}
          columns={[
            { title: "Domain", dataIndex: "domain" },
            {
              title: "Status",
              dataIndex: "status",
              render: (_: unknown, domain) =>
                domain.status === "verified" ? (
                  <Space size={4} wrap>
                    <Tag color="green">Verified</Tag>
                    {domain.verifiedAt && <Instant iso={domain.verifiedAt} />}
                  </Space>
                ) : (
                  <Tag color="blue">Pending</Tag>
                ),
            },
            {
              title: "TXT record to publish",
              key: "txt",
              render: (_: unknown, domain) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text type="secondary">{`Name: ${domain.txtRecord.name}`}</Typography.Text>
                  <Typography.Text code copyable={{ text: domain.txtRecord.value }}>
                    {domain.txtRecord.value}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: "Actions",
              key: "actions",
              render: (_: unknown, domain) => <DomainActions companyId={companyId} domain={domain} />,
            },
          ]}
        />
      )}
    </section>
  );
}
