// `Delete account` on the profile (SPEC §6.4): a confirmation window asking for the password (and,
// through the client, an Email Verification). Refused while the person is the last Admin of a company;
// once done, the account and every session of it are gone and the browser goes to the login page.
import { Alert, Button, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { useDeleteOwnAccount } from "../api/queries";
import { describeError } from "./errorMessages";

function describeDeletionError(error: unknown): string {
  if (isApiError(error) && error.code === "last_admin") {
    return "You are the last Admin of a company. Make another member Admin before deleting your account.";
  }
  if (isApiError(error) && error.code === "current_password_incorrect") return "The password is not correct.";
  return describeError(error);
}

export function DeleteAccountSection() {
  const [isOpen, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [failure, setFailure] = useState<string | null>(null);
  const deletion = useDeleteOwnAccount();
  const navigate = useNavigate();

  const close = () => {
    if (deletion.isPending) return;
    setOpen(false);
    setPassword("");
    setFailure(null);
  };
  const confirm = () => {
    if (password === "") {
      setFailure("Enter your password to confirm.");
      return;
    }
    setFailure(null);
    deletion.mutate(password, {
      onSuccess: () => navigate("/login", { replace: true }),
      onError: (error) => setFailure(describeDeletionError(error)),
    });
  };

  return (
    <>
      <Typography.Paragraph>
        Deleting your account ends your access to every company and signs you out everywhere. The companies'
        audit logs keep what you did under a pseudonym, without your name or email.
      </Typography.Paragraph>
      <Button danger onClick={() => setOpen(true)}>
        Delete account
      </Button>
      <Modal
        title="Delete account"
        open={isOpen}
        onCancel={close}
        onOk={confirm}
        okText="Delete my account"
        okButtonProps={{ danger: true, loading: deletion.isPending }}
        cancelButtonProps={{ disabled: deletion.isPending }}
        destroyOnHidden
      >
        <Typography.Paragraph>This cannot be undone. Enter your password to confirm.</Typography.Paragraph>
        <Form layout="vertical" onFinish={confirm}>
          <Form.Item label="Password" htmlFor="delete-account-password">
            <Input.Password
              id="delete-account-password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </Form.Item>
        </Form>
        {failure !== null && <Alert type="error" showIcon role="alert" message={failure} />}
      </Modal>
    </>
  );
}
