// Developer Center > Webhook endpoints (`webhooks.manage`, SPEC §6.5): add an endpoint (its signing
// secret shown once), enable or disable, rotate the secret, delete, and read each endpoint's delivery
// log with redelivery; also how a receiver checks `Portal-Signature`.
import { Alert, App, Button, Checkbox, Flex, Form, Input, Popconfirm, Table, Tag, Typography } from "antd";
import { useState } from "react";
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
      title: "URL",
      render: (_: unknown, endpoint: WebhookEndpoint) => (
        <Typography.Text className="truncated-text" title={endpoint.url} style={{ maxWidth: 360 }}>
          {endpoint.url}
        </Typography.Text>
      ),
    },
    {
      key: "events",
      title: "Events",
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
      title: "Status",
      render: (_: unknown, endpoint: WebhookEndpoint) =>
        endpoint.enabled ? (
          <Tag color="success">Enabled</Tag>
        ) : (
          <Tag color="default">
            {endpoint.disabledReason === "failing" ? "Disabled after failed deliveries" : "Disabled"}
          </Tag>
        ),
    },
    {
      key: "actions",
      title: "Actions",
      render: (_: unknown, endpoint: WebhookEndpoint) => (
        <Flex gap={8} wrap>
          <Button
            size="small"
            onClick={() => setSelected(endpoint.id)}
            aria-label={`Deliveries of ${endpoint.url}`}
          >
            Deliveries
          </Button>
          <Button
            size="small"
            aria-label={`${endpoint.enabled ? "Disable" : "Enable"} ${endpoint.url}`}
            onClick={() =>
              update.mutate(
                { id: endpoint.id, enabled: !endpoint.enabled },
                {
                  onSuccess: (after) =>
                    void message.success(`The endpoint was ${after.enabled ? "enabled" : "disabled"}`),
                  onError: fail,
                },
              )
            }
          >
            {endpoint.enabled ? "Disable" : "Enable"}
          </Button>
          <Button
            size="small"
            aria-label={`Rotate the secret of ${endpoint.url}`}
            onClick={() =>
              rotate.mutate(endpoint.id, {
                onSuccess: (rotated) =>
                  setShown({
                    url: endpoint.url,
                    secret: rotated.secret,
                    note: `The previous secret keeps signing until ${formatDateTime(rotated.previousSecretExpiresAt)}.`,
                  }),
                onError: fail,
              })
            }
          >
            Rotate secret
          </Button>
          <Popconfirm
            title="Delete this endpoint and its queued deliveries?"
            okText="Delete"
            onConfirm={() =>
              remove.mutate(endpoint.id, {
                onSuccess: () => {
                  if (selected === endpoint.id) setSelected(null);
                  void message.success("The endpoint was deleted");
                },
                onError: fail,
              })
            }
          >
            <Button size="small" danger aria-label={`Delete ${endpoint.url}`}>
              Delete
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  return (
    <section aria-labelledby="webhook-endpoints-title">
      <SectionTitle id="webhook-endpoints-title" style={{ marginTop: 32 }}>
        Webhook endpoints
      </SectionTitle>
      <Typography.Paragraph>
        The portal posts each chosen event to your endpoints as JSON (
        {"{id, type, createdAt, companyId, data}"}
        ), signed in the <Typography.Text code>Portal-Signature</Typography.Text> header, in order per
        endpoint, retried for 3 days.
      </Typography.Paragraph>
      {shown && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setShown(null)}
          style={{ marginBottom: 16 }}
          message={`Signing secret of ${shown.url}: copy it now, it is shown only once`}
          description={
            <>
              <Typography.Text code copyable aria-label="Signing secret">
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
                  note: "Use it to check each request's signature.",
                });
                void message.success("The endpoint was added");
              },
              onError: fail,
            },
          )
        }
      >
        <Form.Item name="url" label="Endpoint URL" rules={[{ required: true, message: "Enter the URL" }]}>
          <Input placeholder="https://example.com/portal-webhooks" />
        </Form.Item>
        <Form.Item
          name="events"
          label="Events"
          rules={[
            {
              // Not `required`: antd would put aria-required on the group, which its role does not allow.
              validator: (_, value?: string[]) =>
                value && value.length > 0
                  ? Promise.resolve()
                  : Promise.reject(new Error("Choose one or more events")),
            },
          ]}
        >
          <Checkbox.Group options={EVENT_TYPES.map((event) => ({ label: event, value: event }))} />
        </Form.Item>
        <Form.Item name="description" label="Description">
          <Input maxLength={500} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          Add endpoint
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
        locale={{ emptyText: "No webhook endpoints yet" }}
        aria-label="Webhook endpoints"
      />
      {selected && <DeliveryLog companyId={companyId} endpointId={selected} />}
      <SectionTitle style={{ marginTop: 32 }}>Verifying signatures</SectionTitle>
      <Typography.Paragraph>
        Check every request before trusting it, and refuse timestamps older than 5 minutes:
      </Typography.Paragraph>
      <figure aria-label="Signature verification snippet" style={{ margin: 0 }}>
        <pre style={{ overflowX: "auto" }}>
          <code>{VERIFICATION_SNIPPET}</code>
        </pre>
      </figure>
    </section>
  );
}

function DeliveryLog({ companyId, endpointId }: { companyId: string; endpointId: string }) {
  const { message } = App.useApp();
  const deliveries = useWebhookDeliveries(companyId, endpointId);
  const redeliver = useRedeliverWebhook(companyId);
  return (
    <>
      <SectionTitle style={{ marginTop: 24 }}>Deliveries</SectionTitle>
      <Table<WebhookDelivery>
        rowKey="id"
        loading={deliveries.isPending}
        dataSource={deliveries.data?.items ?? []}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: "No deliveries yet" }}
        aria-label="Deliveries"
        columns={[
          { key: "event", title: "Event", render: (_, d) => d.eventType },
          {
            key: "status",
            title: "Status",
            render: (_, d) => (
              <Tag
                color={d.status === "delivered" ? "success" : d.status === "failed" ? "error" : "processing"}
              >
                {d.status}
              </Tag>
            ),
          },
          { key: "attempts", title: "Attempts", render: (_, d) => d.attempts },
          { key: "answer", title: "Answer", render: (_, d) => d.lastStatusCode ?? d.lastError ?? "—" },
          {
            key: "duration",
            title: "Duration",
            render: (_, d) => (d.lastDurationMs === null ? "—" : `${d.lastDurationMs} ms`),
          },
          {
            key: "excerpt",
            title: "Answer body",
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
          { key: "created", title: "Created", render: (_, d) => formatDateTime(d.createdAt) },
          {
            key: "redeliver",
            title: "Actions",
            render: (_, d) => (
              <Button
                size="small"
                aria-label={`Redeliver ${d.eventType} ${d.id}`}
                onClick={() =>
                  redeliver.mutate(d.id, {
                    onSuccess: () => {
                      void message.success("The event was queued again");
                      void deliveries.refetch();
                    },
                    onError: (error) => void message.error(describeError(error)),
                  })
                }
              >
                Redeliver
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}
