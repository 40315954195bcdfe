// Profile > Alternate email: where step-up codes go. Setting it needs a step-up (the Email
// Verification window opens by itself), then a code mailed to the new address confirms it.
import { Alert, App, Button, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useConfirmAlternateEmail, useStartAlternateEmail } from "../api/queries";
import type { EmailCodeChallenge } from "../api/types";
import { type CodeErrorDescription, describeCodeError, describeError } from "./errorMessages";
import { formatTime } from "./formatDateTime";
import { OneTimeCodeField } from "./OneTimeCodeField";

interface EmailForm {
  email: string;
}

interface CodeForm {
  code: string;
}

export function AlternateEmailForm() {
  const { t } = useTranslation("profile");
  const { message } = App.useApp();
  const startChange = useStartAlternateEmail();
  const confirmChange = useConfirmAlternateEmail();
  const [emailForm] = Form.useForm<EmailForm>();
  const [challenge, setChallenge] = useState<EmailCodeChallenge | null>(null);
  const [codeFailure, setCodeFailure] = useState<CodeErrorDescription | null>(null);

  const sendCode = ({ email }: EmailForm) => {
    setCodeFailure(null);
    startChange.mutate({ email: email.trim() }, { onSuccess: (next) => setChallenge(next) });
  };

  const confirmCode = ({ code }: CodeForm) => {
    if (challenge === null) return;
    setCodeFailure(null);
    confirmChange.mutate(
      { challengeId: challenge.challengeId, code },
      {
        onSuccess: () => {
          setChallenge(null);
          emailForm.resetFields();
          void message.success(t("alternateEmail.saved"), 5);
        },
        onError: (error) => setCodeFailure(describeCodeError(error)),
      },
    );
  };

  return (
    <>
      <Typography.Paragraph type="secondary">{t("alternateEmail.intro")}</Typography.Paragraph>
      {startChange.isError && (
        <Alert
          type="error"
          showIcon
          message={describeError(startChange.error)}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form<EmailForm>
        form={emailForm}
        name="alternate-email"
        layout="vertical"
        requiredMark={false}
        onFinish={sendCode}
        style={{ maxWidth: 400 }}
      >
        <Form.Item
          label={t("alternateEmail.label")}
          name="email"
          rules={[{ required: true, whitespace: true, message: t("alternateEmail.enter") }]}
        >
          <Input inputMode="email" autoComplete="email" spellCheck={false} />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" loading={startChange.isPending} aria-label={t("alternateEmail.sendCode")}>
            {t("alternateEmail.sendCode")}
          </Button>
        </Form.Item>
      </Form>

      {challenge !== null && (
        // A fresh form for each code sent.
        <Form<CodeForm>
          key={challenge.challengeId}
          name="alternate-email-code"
          layout="vertical"
          requiredMark={false}
          onFinish={confirmCode}
          style={{ maxWidth: 400 }}
        >
          <Typography.Paragraph>
            {t("alternateEmail.codeSent", {
              sentTo: challenge.sentTo,
              time: formatTime(challenge.expiresAt),
            })}
          </Typography.Paragraph>
          {codeFailure !== null && (
            <Alert
              type="error"
              showIcon
              message={codeFailure.message}
              description={codeFailure.needsNewCode ? t("alternateEmail.useSendCode") : undefined}
              style={{ marginBottom: 16 }}
            />
          )}
          <OneTimeCodeField label={t("alternateEmail.codeLabel")} />
          <Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              loading={confirmChange.isPending}
              aria-label={t("alternateEmail.confirm")}
            >
              {t("alternateEmail.confirm")}
            </Button>
          </Form.Item>
        </Form>
      )}
    </>
  );
}
