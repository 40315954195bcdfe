// Company settings → Security → SCIM tokens (`security.manage`, SPEC §6.3): create a token for the
// identity provider (shown once, to copy), list them without their secrets, revoke one.
import { Alert, App, Button, Form, Input, Popconfirm, Table, Tag, Typography } from "antd";
import { useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useCreateScimToken, useRevokeScimToken, useScimTokens } from "../../api/scimTokenQueries";
import type { CreatedScimToken, ScimToken } from "../../api/types";
import { describeError } from "../errorMessages";
import { Instant } from "../Instant";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";

function NewTokenNotice({ created, onDone }: { created: CreatedScimToken; onDone: () => void }) {
  const { t } = useTranslation("security");
  return (
    <Alert
      type="success"
      showIcon
      style={{ marginBottom: 16 }}
      message={t("scim.copyNow", { name: created.name })}
      description={
        <>
          <Typography.Paragraph>
            <Trans
              t={t}
              i18nKey="scim.giveToIdp"
              values={{ url: `${window.location.origin}/scim/v2` }}
              components={{ url: <Typography.Text code copyable /> }}
            />
          </Typography.Paragraph>
          <Typography.Paragraph>
            <Typography.Text code copyable={{ text: created.token }} aria-label={t("scim.newToken")}>
              {created.token}
            </Typography.Text>
          </Typography.Paragraph>
          <Button onClick={onDone}>{t("scim.copied")}</Button>
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
  const { t } = useTranslation("security");
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
        label={t("scim.tokenName")}
        rules={[{ required: true, whitespace: true, message: t("scim.enterName") }]}
      >
        <Input
          placeholder={t("scim.namePlaceholder")}
          maxLength={100}
          autoComplete="off"
          style={{ width: 240 }}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={create.isPending}>
        {t("scim.create")}
      </Button>
    </Form>
  );
}

function RevokeButton({ companyId, token }: { companyId: string; token: ScimToken }) {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const revoke = useRevokeScimToken(companyId);
  return (
    <Popconfirm
      title={t("scim.revokeConfirm", { name: token.name })}
      description={t("scim.revokeConfirmDetail")}
      okText={t("scim.revoke")}
      onConfirm={() =>
        revoke.mutate(token.id, {
          onSuccess: () => void message.success(t("scim.revoked", { name: token.name })),
          onError: (error) => void message.error(describeError(error)),
        })
      }
    >
      <Button
        size="small"
        danger
        aria-label={t("scim.revokeNamed", { name: token.name })}
        loading={revoke.isPending}
      >
        {t("scim.revoke")}
      </Button>
    </Popconfirm>
  );
}

export function ScimTokensSection({ companyId }: { companyId: string }) {
  const { t } = useTranslation("security");
  const headingId = useId();
  const tokens = useScimTokens(companyId);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{t("scim.title")}</SectionTitle>
      <Typography.Paragraph type="secondary">{t("scim.intro")}</Typography.Paragraph>
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
          locale={{ emptyText: t("scim.none") }}
          columns={[
            { title: t("scim.name"), dataIndex: "name" },
            {
              title: t("scim.status"),
              dataIndex: "status",
              render: (status: ScimToken["status"]) =>
                status === "active" ? (
                  <Tag color="green">{t("scim.statusActive")}</Tag>
                ) : (
                  <Tag>{t("scim.statusRevoked")}</Tag>
                ),
            },
            {
              title: t("scim.created"),
              dataIndex: "createdAt",
              render: (iso: string) => <Instant iso={iso} />,
            },
            {
              title: t("scim.createdBy"),
              dataIndex: "createdBy",
              render: (email: string | null) => email ?? "—",
            },
            {
              title: t("scim.lastUsed"),
              dataIndex: "lastUsedAt",
              render: (iso: string | null) => (iso ? <Instant iso={iso} /> : t("scim.never")),
            },
            {
              title: t("scim.actions"),
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
