// Company settings → Security → SCIM tokens (`security.manage`, SPEC §6.3): create a token for the
// identity provider (shown once, to copy), list them without their secrets, revoke one.
import { Alert, App, Button, Form, Input, Popconfirm, Table, Tag, Typography } from "antd";
import { useId, useState } from "react";
import { useCreateScimToken, useRevokeScimToken, useScimTokens } from "../../api/scimTokenQueries";
import type { CreatedScimToken, ScimToken } from "../../api/types";
import { describeError } from "../errorMessages";
import { Instant } from "../Instant";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";

export const SCIM_TOKENS_TITLE = "SCIM tokens";
export const TOKEN_NAME_LABEL = "Token name";

function NewTokenNotice({ created, onDone }: { created: CreatedScimToken; onDone: () => void }) {
  return (
    <Alert
      type="success"
      showIcon
      style={{ marginBottom: 16 }}
      message={`Copy the token "${created.name}" now: it is shown this once`}
      description={
        <>
          <Typography.Paragraph>
            Give it to your identity provider as the bearer token of the SCIM base URL{" "}
            <Typography.Text code copyable>{`${window.location.origin}/scim/v2`}</Typography.Text>.
          </Typography.Paragraph>
          <Typography.Paragraph>
            <Typography.Text code copyable={{ text: created.token }} aria-label="New SCIM token">
              {created.token}
            </Typography.Text>
          </Typography.Paragraph>
          <Button onClick={onDone}>I have copied it</Button>
        </>
      }
    />
  );
}

function CreateTokenForm({
  companyId,
  onCreated,
}: {
  companyId: string;
  onCreated: (token: CreatedScimToken) => void;
}) {
  const [form] = Form.useForm<{ name: string }>();
  const create = useCreateScimToken(companyId);
  const submit = ({ name }: { name: string }) =>
    create.mutate(name.trim(), {
      onSuccess: (created) => {
        form.resetFields();
        onCreated(created);
      },
      onError: (error) => form.setFields([{ name: "name", errors: [describeError(error)] }]),
    });
  return (
    <Form
      form={form}
      name="create-scim-token"
      layout="inline"
      onFinish={submit}
      style={{ marginBottom: 16, rowGap: 8 }}
    >
      <Form.Item
        name="name"
        label={TOKEN_NAME_LABEL}
        rules={[{ required: true, whitespace: true, message: "Name the token, for example Okta" }]}
      >
        <Input placeholder="Okta" maxLength={100} autoComplete="off" style={{ width: 240 }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={create.isPending}>
        Create token
      </Button>
    </Form>
  );
}

function RevokeButton({ companyId, token }: { companyId: string; token: ScimToken }) {
  const { message } = App.useApp();
  const revoke = useRevokeScimToken(companyId);
  return (
    <Popconfirm
      title={`Revoke ${token.name}?`}
      description="The identity provider using it is refused from its next request."
      okText="Revoke"
      onConfirm={() =>
        revoke.mutate(token.id, {
          onSuccess: () => void message.success(`The token ${token.name} was revoked`),
          onError: (error) => void message.error(describeError(error)),
        })
      }
    >
      <Button size="small" danger aria-label={`Revoke ${token.name}`} loading={revoke.isPending}>
        Revoke
      </Button>
    </Popconfirm>
  );
}

export function ScimTokensSection({ companyId }: { companyId: string }) {
  const headingId = useId();
  const tokens = useScimTokens(companyId);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{SCIM_TOKENS_TITLE}</SectionTitle>
      <Typography.Paragraph type="secondary">
        Your identity provider (Okta, Microsoft Entra ID) adds, deactivates and assigns roles to members
        through SCIM with one of these tokens. Members must have an email of a verified domain.
      </Typography.Paragraph>
      {created && <NewTokenNotice created={created} onDone={() => setCreated(null)} />}
      <CreateTokenForm companyId={companyId} onCreated={setCreated} />
      {tokens.isError ? (
        <QueryErrorResult error={tokens.error} onRetry={() => tokens.refetch()} />
      ) : (
        <Table<ScimToken>
          rowKey="id"
          size="small"
          loading={tokens.isPending}
          pagination={false}
          dataSource={tokens.data?.items ?? []}
          aria-labelledby={headingId}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: "No SCIM token yet" }}
          columns={[
            { title: "Name", dataIndex: "name" },
            {
              title: "Status",
              dataIndex: "status",
              render: (status: ScimToken["status"]) =>
                status === "active" ? <Tag color="green">Active</Tag> : <Tag>Revoked</Tag>,
            },
            { title: "Created", dataIndex: "createdAt", render: (iso: string) => <Instant iso={iso} /> },
            { title: "Created by", dataIndex: "createdBy", render: (email: string | null) => email ?? "—" },
            {
              title: "Last used",
              dataIndex: "lastUsedAt",
              render: (iso: string | null) => (iso ? <Instant iso={iso} /> : "Never"),
            },
            {
              title: "Actions",
              key: "actions",
              render: (_: unknown, token) =>
                token.status === "active" ? <RevokeButton companyId={companyId} token={token} /> : null,
            },
          ]}
        />
      )}
    </section>
  );
}
