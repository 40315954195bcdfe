// `Delete account` on the profile (SPEC §6.4): a confirmation window asking for the password (and,
// through the client, an Email Verification). Refused while the person is the last Admin of a company;
// once done, the account and every session of it are gone and the browser goes to the login page.
import { Alert, Button, Form, Input, Modal, Typography } from "antd";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { useDeleteOwnAccount } from "../api/queries";
import { describeError } from "./errorMessages";

function describeDeletionError(error: unknown, t: TFunction<"profile">): string {
  if (isApiError(error) && error.code === "last_admin") return t("deleteAccount.lastAdmin");
  if (isApiError(error) && error.code === "current_password_incorrect")
    return t("deleteAccount.wrongPassword");
  return describeError(error);
}

export function DeleteAccountSection() {
  const { t } = useTranslation("profile");
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
      setFailure(t("deleteAccount.enterPassword"));
      return;
    }
    setFailure(null);
    deletion.mutate(password, {
      onSuccess: () => navigate("/login", { replace: true }),
      onError: (error) => setFailure(describeDeletionError(error, t)),
    });
  };

  return (
    <>
      <Typography.Paragraph>{t("deleteAccount.intro")}</Typography.Paragraph>
      <Button danger onClick={() => setOpen(true)}>
        {t("deleteAccount.title")}
      </Button>
      <Modal
        title={t("deleteAccount.title")}
        open={isOpen}
        onCancel={close}
        onOk={confirm}
        okText={t("deleteAccount.confirm")}
        okButtonProps={{ danger: true, loading: deletion.isPending }}
        cancelButtonProps={{ disabled: deletion.isPending }}
        destroyOnHidden
      >
        <Typography.Paragraph>{t("deleteAccount.cannotUndo")}</Typography.Paragraph>
        <Form layout="vertical" onFinish={confirm}>
          <Form.Item label={t("deleteAccount.password")} htmlFor="delete-account-password">
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
