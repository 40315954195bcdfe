// Profile > Password: change it with the current one. The server ends the account's other
// sessions (SPEC rule 14), which the success notice says.
import { Alert, App, Button, Form, Input } from "antd";
import { useTranslation } from "react-i18next";
import { useChangePassword } from "../api/queries";
import { describeError } from "./errorMessages";
import { NewPasswordFields } from "./NewPasswordFields";

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export function ChangePasswordForm({ email }: { email: string }) {
  const { t } = useTranslation("profile");
  const { message } = App.useApp();
  const changePassword = useChangePassword();
  const [form] = Form.useForm<PasswordForm>();

  const onFinish = ({ currentPassword, newPassword }: PasswordForm) => {
    changePassword.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          form.resetFields();
          void message.success(t("password.changed"), 5);
        },
      },
    );
  };

  return (
    <Form<PasswordForm>
      form={form}
      name="change-password"
      layout="vertical"
      requiredMark={false}
      onFinish={onFinish}
      style={{ maxWidth: 400 }}
    >
      {/* Lets password managers file the new password under the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      {changePassword.isError && (
        <Alert
          type="error"
          showIcon
          message={describeError(changePassword.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form.Item
        label={t("password.current")}
        name="currentPassword"
        rules={[{ required: true, message: t("password.enterCurrent") }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <NewPasswordFields name="newPassword" confirmName="confirmPassword" />
      <Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          loading={changePassword.isPending}
          aria-label={t("password.change")}
        >
          {t("password.change")}
        </Button>
      </Form.Item>
    </Form>
  );
}
