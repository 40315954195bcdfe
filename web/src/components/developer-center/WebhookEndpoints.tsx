// Developer Center > Webhook endpoints (`webhooks.manage`, SPEC §6.5): add an endpoint (its signing
// secret shown once), enable or disable, rotate the secret, delete, and read each endpoint's delivery
// log with redelivery; also how a receiver checks `Portal-Signature`.
import { Alert, App, Button, Checkbox, Flex, Form, Input, Popconfirm, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import {
  useCreateWebhookEndpoint,
  useDeleteWebhookEndpoint,
  useRedeliverWebhook,
  useRotateWebhookSecret,
  useUpdateWebhookEndpoint,
  useWebhookDeliveries,
  useWebhookEndpoints,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "../../api/webhookQueries";
import { describeError } from "../errorMessages";
import { formatDateTime } from "../formatDateTime";
import { SectionTitle } from "../PageTitle";

const EVENT_TYPES = [
  "member.invited",
  "member.joined",
  "member.roles_changed",
  "member.deactivated",
  "member.reactivated",
  "invitation.revoked",
  "role.created",
  "role.updated",
  "role.deleted",
];

/** What each posted event holds, and the header its signature travels in (names, not words). */
const EVENT_SHAPE = "{id, type, createdAt, companyId, data}";
const SIGNATURE_HEADER = "Portal-Signature";

/** The receiver's check, as the README gives it. */
export const VERIFICATION_SNIPPET = `import { createHmac, timingSafeEqual } from "node:crypto";

// header: the Portal-Signature header; body: the raw request body (a string, before JSON.parse);
// secrets: your endpoint's signing secret (and, during a rotation, the previous one too).
export function verifyPortalSignature(header, body, secrets, toleranceSeconds = 300) {
  const parts = header.split(",").map((part) => part.split("=", 2));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  const now = Math.floor(Date.now() / 1000);
  // Refuse old (or future) timestamps: a replayed request carries its original t.
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = secrets.map((secret) =>
    createHmac("sha256", secret).update(\`\${timestamp}.\${body}\`).digest(),
  );
  return parts
    .filter(([key]) => key === "v1")
    .some(([, value]) => {
      const given = Buffer.from(value ?? "", "hex");
      return expected.some((wanted) => wanted.length === given.length && timingSafeEqual(wanted, given));
    });
}`;

type ShownSecret = { url: string; secret: string; note: string };

export function WebhookEndpoints({ companyId }: { companyId: string }) {
  const { t } = useTranslation("developer");
  const { message } = App.useApp();
  const endpoints = useWebhookEndpoints(companyId);
  const create = useCreateWebhookEndpoint(companyId);
  const update = useUpdateWebhookEndpoint(companyId);
  const rotate = useRotateWebhookSecret(companyId);
  const remove = useDeleteWebhookEndpoint(companyId);
  const [form] = Form.useForm<{ url: string; events: string[]; description?: string }>();
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const fail = (error: unknown) => void message.error(describeError(error));

  const columns = [
    {
      key: "url",
      title: t("url"),
      render: (_: unknown, endpoint: WebhookEndpoint) => (
        <Typography.Text className="truncated-text" title={endpoint.url} style={{ maxWidth: 360 }}>
          {endpoint.url}
        </Typography.Text>
      ),
    },
    {
      key: "events",
      title: t("events"),
      render: (_: unknown, endpoint: WebhookEndpoint) => (
        <Flex gap={4} wrap>
          {endpoint.events.map((event) => (
            <Tag key={event}>{event}</Tag>
          ))}
        </Flex>
      ),
    },
    {
      key: "status",
      title: t("status"),
      render: (_: unknown, endpoint: WebhookEndpoint) =>
        endpoint.enabled ? (
          <Tag color="success">{t("enabled")}</Tag>
        ) : (
          <Tag color="default">
            {endpoint.disabledReason === "failing" ? t("disabledFailing") : t("disabled")}
          </Tag>
        ),
    },
    {
      key: "actions",
      title: t("actions"),
      render: (_: unknown, endpoint: WebhookEndpoint) => (
        <Flex gap={8} wrap>
          <Button
            size="small"
            onClick={() => setSelected(endpoint.id)}
            aria-label={t("deliveriesOf", { url: endpoint.url })}
          >
            {t("deliveries")}
          </Button>
          <Button
            size="small"
            aria-label={
              endpoint.enabled
                ? t("disableUrl", { url: endpoint.url })
                : t("enableUrl", { url: endpoint.url })
            }
            onClick={() =>
              update.mutate(
                { id: endpoint.id, enabled: !endpoint.enabled },
                {
                  onSuccess: (after) =>
                    void message.success(after.enabled ? t("wasEnabled") : t("wasDisabled")),
                  onError: fail,
                },
              )
            }
          >
            {endpoint.enabled ? t("disable") : t("enable")}
          </Button>
          <Button
            size="small"
            aria-label={t("rotateSecretOf", { url: endpoint.url })}
            onClick={() =>
              rotate.mutate(endpoint.id, {
                onSuccess: (rotated) =>
                  setShown({
                    url: endpoint.url,
                    secret: rotated.secret,
                    note: t("previousSecretUntil", { time: formatDateTime(rotated.previousSecretExpiresAt) }),
                  }),
                onError: fail,
              })
            }
          >
            {t("rotateSecret")}
          </Button>
          <Popconfirm
            title={t("deleteConfirm")}
            okText={t("delete")}
            onConfirm={() =>
              remove.mutate(endpoint.id, {
                onSuccess: () => {
                  if (selected === endpoint.id) setSelected(null);
                  void message.success(t("wasDeleted"));
                },
                onError: fail,
              })
            }
          >
            <Button size="small" danger aria-label={t("deleteUrl", { url: endpoint.url })}>
              {t("delete")}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  return (
    <section aria-labelledby="webhook-endpoints-title">
      <SectionTitle id="webhook-endpoints-title" style={{ marginTop: 32 }}>
        {t("endpoints")}
      </SectionTitle>
      <Typography.Paragraph>
        <Trans
          t={t}
          i18nKey="intro"
          values={{ shape: EVENT_SHAPE, header: SIGNATURE_HEADER }}
          components={{ code: <Typography.Text code /> }}
        />
      </Typography.Paragraph>
      {shown && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setShown(null)}
          style={{ marginBottom: 16 }}
          message={t("secretOnce", { url: shown.url })}
          description={
            <>
              <Typography.Text code copyable aria-label={t("signingSecret")}>
                {shown.secret}
              </Typography.Text>
              <div>{shown.note}</div>
            </>
          }
        />
      )}
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        onFinish={(values) =>
          create.mutate(
            {
              url: values.url,
              events: values.events,
              ...(values.description ? { description: values.description } : {}),
            },
            {
              onSuccess: (created) => {
                form.resetFields();
                setShown({
                  url: created.url,
                  secret: created.secret,
                  note: t("useSecret"),
                });
                void message.success(t("wasAdded"));
              },
              onError: fail,
            },
          )
        }
      >
        <Form.Item name="url" label={t("endpointUrl")} rules={[{ required: true, message: t("enterUrl") }]}>
          <Input placeholder="https://example.com/portal-webhooks" />
        </Form.Item>
        <Form.Item
          name="events"
          label={t("events")}
          rules={[
            {
              // Not `required`: antd would put aria-required on the group, which its role does not allow.
              validator: (_, value?: string[]) =>
                value && value.length > 0 ? Promise.resolve() : Promise.reject(new Error(t("chooseEvents"))),
            },
          ]}
        >
          <Checkbox.Group options={EVENT_TYPES.map((event) => ({ label: event, value: event }))} />
        </Form.Item>
        <Form.Item name="description" label={t("description")}>
          <Input maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t("addEndpoint")}
        </Button>
      </Form>
      <Table<WebhookEndpoint>
        style={{ marginTop: 16 }}
        rowKey="id"
        loading={endpoints.isPending}
        dataSource={endpoints.data?.items ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("noEndpoints") }}
        aria-label={t("endpoints")}
      />
      {selected && <DeliveryLog companyId={companyId} endpointId={selected} />}
      <SectionTitle style={{ marginTop: 32 }}>{t("verifying")}</SectionTitle>
      <Typography.Paragraph>{t("verifyingIntro")}</Typography.Paragraph>
      <figure aria-label={t("snippet")} style={{ margin: 0 }}>
        <pre style={{ overflowX: "auto" }}>
          <code>{VERIFICATION_SNIPPET}</code>
        </pre>
      </figure>
    </section>
  );
}

function DeliveryLog({ companyId, endpointId }: { companyId: string; endpointId: string }) {
  const { t } = useTranslation("developer");
  const { message } = App.useApp();
  const deliveries = useWebhookDeliveries(companyId, endpointId);
  const redeliver = useRedeliverWebhook(companyId);
  return (
    <>
      <SectionTitle style={{ marginTop: 24 }}>{t("deliveries")}</SectionTitle>
      <Table<WebhookDelivery>
        rowKey="id"
        loading={deliveries.isPending}
        dataSource={deliveries.data?.items ?? []}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("noDeliveries") }}
        aria-label={t("deliveries")}
        columns={[
          { key: "event", title: t("event"), render: (_, d) => d.eventType },
          {
            key: "status",
            title: t("status"),
            render: (_, d) => (
              <Tag
                color={d.status === "delivered" ? "success" : d.status === "failed" ? "error" : "processing"}
              >
                {t(`statuses.${d.status}`, { defaultValue: d.status })}
              </Tag>
            ),
          },
          { key: "attempts", title: t("attempts"), render: (_, d) => d.attempts },
          { key: "answer", title: t("answer"), render: (_, d) => d.lastStatusCode ?? d.lastError ?? "—" },
          {
            key: "duration",
            title: t("duration"),
            render: (_, d) =>
              d.lastDurationMs === null ? "—" : t("milliseconds", { value: d.lastDurationMs }),
          },
          {
            key: "excerpt",
            title: t("answerBody"),
            render: (_, d) => (
              <Typography.Text
                className="truncated-text"
                style={{ maxWidth: 240 }}
                title={d.lastResponseExcerpt ?? ""}
              >
                {d.lastResponseExcerpt ?? ""}
              </Typography.Text>
            ),
          },
          { key: "created", title: t("created"), render: (_, d) => formatDateTime(d.createdAt) },
          {
            key: "redeliver",
            title: t("actions"),
            render: (_, d) => (
              <Button
                size="small"
                aria-label={t("redeliverOf", { event: d.eventType, id: d.id })}
                onClick={() =>
                  redeliver.mutate(d.id, {
                    onSuccess: () => {
                      void message.success(t("queuedAgain"));
                      void deliveries.refetch();
                    },
                    onError: (error) => void message.error(describeError(error)),
                  })
                }
              >
                {t("redeliver")}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}
