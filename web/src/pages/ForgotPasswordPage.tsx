// `/forgot-password` (public): asks for a link to reset the password. The server answers alike
// whether or not the address has an account (SPEC rule 10), and so does this page.
import { Alert, Button, Form, Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { useRequestPasswordReset } from "../api/queries";
import type { PasswordResetRequest } from "../api/types";
import { describeError } from "../components/errorMessages";
import { useDocumentTitle } from "../components/PageTitle";
import { PublicCard } from "../components/PublicCard";

export function ForgotPasswordPage() {
  const { t } = useTranslation("auth");
  const requestReset = useRequestPasswordReset();
  useDocumentTitle(t("forgot.title"));

  return (
    <PublicCard title={t("forgot.title")}>
      {requestReset.isSuccess ? (
        <Alert
          type="success"
          showIcon
          message={t("forgot.sent")}
          description={t("forgot.sentDetail")}
          style={{ marginBottom: 16 }}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t("forgot.intro")}</Typography.Paragraph>
          {requestReset.isError && (
            <Alert
              type="error"
              showIcon
              message={describeError(requestReset.error)}
              style={{ marginBottom: 16 }}
            />
          )}
          <Form<PasswordResetRequest>
            name="forgot-password"
            layout="vertical"
            requiredMark={false}
            onFinish={(values) => requestReset.mutate({ email: values.email.trim() })}
          >
            <Form.Item
              label={t("login.email")}
              name="email"
              rules={[{ required: true, whitespace: true, message: t("login.enterEmail") }]}
            >
              <Input inputMode="email" autoComplete="username" spellCheck={false} autoFocus />
            </Form.Item>
            <Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                block
                loading={requestReset.isPending}
                aria-label={t("forgot.send")}
              >
                {t("forgot.send")}
              </Button>
            </Form.Item>
          </Form>
        </>
      )}
      <Link to="/login">{t("forgot.backToLogin")}</Link>
    </PublicCard>
  );
}
