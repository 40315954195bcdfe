// Profile > Security > Passkeys: "Add a passkey", which asks the browser's authenticator to make one
// (after a fresh verification, SPEC §6.2). The passkeys are listed once, among the second factors
// above, where they are renamed and removed.
import { App, Button, Form, Input, Space, Typography } from "antd";
import { useAddPasskey } from "../../api/passkeyQueries";
import { describePasskeyError } from "./describePasskeyError";

interface AddForm {
  name?: string;
}

export function PasskeysSection() {
  const { message } = App.useApp();
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

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%", maxWidth: 640 }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        A passkey signs you in without a password, and verifies you before sensitive actions.
      </Typography.Paragraph>
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
