// Profile > Passkeys: the account's passkeys (name, added, last used) and "Add a passkey", which
// asks the browser's authenticator to make one (after a fresh verification, SPEC §6.2).
import { App, Button, Form, Input, Space, Table, type TableColumnsType, Typography } from "antd";
import { useAddPasskey, useOwnPasskeys } from "../../api/passkeyQueries";
import { formatDateTime } from "../formatDateTime";
import { QueryErrorResult } from "../QueryErrorResult";
import { describePasskeyError } from "./describePasskeyError";

interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface AddForm {
  name?: string;
}

export function PasskeysSection() {
  const { message } = App.useApp();
  const passkeys = useOwnPasskeys();
  const addPasskey = useAddPasskey();
  const [form] = Form.useForm<AddForm>();

  const add = ({ name }: AddForm) => {
    addPasskey.mutate(name?.trim() || undefined, {
      onSuccess: (passkey) => {
        form.resetFields();
        void message.success(`Passkey "${passkey.name}" added`);
      },
    });
  };

  if (passkeys.isError) return <QueryErrorResult error={passkeys.error} onRetry={() => passkeys.refetch()} />;

  const columns: TableColumnsType<Passkey> = [
    { key: "name", title: "Name", dataIndex: "name" },
    { key: "added", title: "Added", render: (_, passkey) => formatDateTime(passkey.createdAt) },
    {
      key: "lastUsed",
      title: "Last used",
      render: (_, passkey) => (passkey.lastUsedAt ? formatDateTime(passkey.lastUsedAt) : "Never"),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%", maxWidth: 640 }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        A passkey signs you in without a password, and verifies you before sensitive actions.
      </Typography.Paragraph>
      <Table<Passkey>
        rowKey="id"
        size="small"
        pagination={false}
        loading={passkeys.isPending}
        columns={columns}
        dataSource={passkeys.data?.items ?? []}
        locale={{ emptyText: "No passkeys yet" }}
        aria-label="Passkeys"
      />
      <Form<AddForm> form={form} name="add-passkey" layout="inline" requiredMark={false} onFinish={add}>
        <Form.Item label="Passkey name" name="name" rules={[{ max: 60, message: "At most 60 characters" }]}>
          <Input placeholder="e.g. Work laptop" maxLength={60} autoComplete="off" />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={addPasskey.isPending} aria-label="Add a passkey">
            Add a passkey
          </Button>
        </Form.Item>
      </Form>
      {addPasskey.isError && (
        <Typography.Text type="danger" role="alert">
          {describePasskeyError(addPasskey.error)}
        </Typography.Text>
      )}
    </Space>
  );
}
