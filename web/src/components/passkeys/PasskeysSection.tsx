// Profile > Security > Passkeys: "Add a passkey", which asks the browser's authenticator to make one
// (after a fresh verification, SPEC §6.2). The passkeys are listed once, among the second factors
// above, where they are renamed and removed.
import { App, Button, Form, Input, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useAddPasskey } from "../../api/passkeyQueries";
import { describePasskeyError } from "./describePasskeyError";

interface AddForm {
  name?: string;
}

export function PasskeysSection() {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const addPasskey = useAddPasskey();
  const [form] = Form.useForm<AddForm>();

  const add = ({ name }: AddForm) => {
    addPasskey.mutate(name?.trim() || undefined, {
      onSuccess: (passkey) => {
        form.resetFields();
        void message.success(t("passkeys.added", { name: passkey.name }));
      },
    });
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%", maxWidth: 640 }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t("passkeys.intro")}
      </Typography.Paragraph>
      <Form<AddForm> form={form} name="add-passkey" layout="inline" requiredMark={false} onFinish={add}>
        <Form.Item
          label={t("passkeys.name")}
          name="name"
          rules={[{ max: 60, message: t("passkeys.nameTooLong") }]}
        >
          <Input placeholder={t("passkeys.namePlaceholder")} maxLength={60} autoComplete="off" />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={addPasskey.isPending} aria-label={t("passkeys.add")}>
            {t("passkeys.add")}
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
