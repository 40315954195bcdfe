// `/forgot-password` (public): asks for a link to reset the password. The server answers alike
// whether or not the address has an account (SPEC rule 10), and so does this page.
import { Alert, Button, Form, Input, Typography } from "antd";
import { Link } from "react-router-dom";
import { useRequestPasswordReset } from "../api/queries";
import type { PasswordResetRequest } from "../api/types";
import { describeError } from "../components/errorMessages";
import { useDocumentTitle } from "../components/PageTitle";
import { PublicCard } from "../components/PublicCard";

export function ForgotPasswordPage() {
  const requestReset = useRequestPasswordReset();
  useDocumentTitle("Forgot password");

  return (
    <PublicCard title="Forgot password">
      {requestReset.isSuccess ? (
        <Alert
          type="success"
          showIcon
          message="If an account exists for that address, we sent a link to reset the password."
          description="The link works only once and for a limited time. Check your spam folder if it does not arrive."
          style={{ marginBottom: 16 }}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            Enter the email you log in with and we will send you a link to set a new password.
          </Typography.Paragraph>
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
              label="Email"
              name="email"
              rules={[{ required: true, whitespace: true, message: "Enter your email" }]}
            >
              <Input inputMode="email" autoComplete="username" spellCheck={false} autoFocus />
            </Form.Item>
            <Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                block
                loading={requestReset.isPending}
                aria-label="Send reset link"
              >
                Send reset link
              </Button>
            </Form.Item>
          </Form>
        </>
      )}
      <Link to="/login">Back to log in</Link>
    </PublicCard>
  );
}
