// "Set up authenticator app", with an optional name (the server's default otherwise): the server
// makes a secret (after a fresh verification), shown as a QR code of its otpauth URL and as text; a code from the app confirms it, and the recovery codes
// issued with it are shown once.
import { Alert, Button, Flex, Form, Input, type InputRef, QRCode, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useConfirmTotpEnrolment, useStartTotpEnrolment } from "../../api/mfaQueries";
import type { RecoveryCodes, TotpEnrolment } from "../../api/types";
import { describeError } from "../errorMessages";
import { OneTimeCodeField } from "../OneTimeCodeField";

interface CodeForm {
  code: string;
}

interface NameForm {
  name?: string;
}

export function AuthenticatorAppSetup({
  onRecoveryCodes,
}: {
  onRecoveryCodes: (codes: RecoveryCodes) => void;
}) {
  const { t } = useTranslation("security");
  const start = useStartTotpEnrolment();
  const confirm = useConfirmTotpEnrolment();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [form] = Form.useForm<CodeForm>();
  const codeInput = useRef<InputRef>(null);

  useEffect(() => {
    if (enrolment !== null) codeInput.current?.focus();
  }, [enrolment]);

  const begin = ({ name }: NameForm) => {
    if (start.isPending) return;
    setFailure(null);
    const trimmed = name?.trim() ?? "";
    start.mutate(trimmed === "" ? undefined : trimmed, {
      onSuccess: setEnrolment,
      onError: (error) => setFailure(describeError(error)),
    });
  };

  const finish = ({ code }: CodeForm) => {
    if (confirm.isPending) return;
    setFailure(null);
    confirm.mutate(code, {
      onSuccess: ({ recoveryCodes }) => {
        setEnrolment(null);
        form.resetFields();
        onRecoveryCodes(recoveryCodes);
      },
      onError: (error) => {
        setFailure(
          isApiError(error) && error.code === "invalid_code" ? t("totp.wrongCode") : describeError(error),
        );
        codeInput.current?.select();
      },
    });
  };

  if (enrolment === null) {
    return (
      <>
        {failure !== null && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
        <Form<NameForm> name="totp-name" layout="inline" requiredMark={false} onFinish={begin}>
          <Form.Item name="name" label={t("totp.name")} rules={[{ max: 60, message: t("totp.nameTooLong") }]}>
            <Input
              placeholder={t("totp.namePlaceholder")}
              maxLength={60}
              autoComplete="off"
              style={{ width: 240 }}
            />
          </Form.Item>
          <Form.Item>
            <Button htmlType="submit" loading={start.isPending}>
              {t("totp.setUp")}
            </Button>
          </Form.Item>
        </Form>
      </>
    );
  }

  return (
    <section aria-label={t("totp.setUp")} style={{ maxWidth: 640 }}>
      <Typography.Paragraph>{t("totp.scan")}</Typography.Paragraph>
      <Flex gap="large" wrap align="flex-start">
        <QRCode value={enrolment.otpauthUrl} size={180} bordered aria-label={t("totp.qrCode")} />
        <div>
          <Typography.Text type="secondary">{t("totp.secretKey")}</Typography.Text>
          <Typography.Paragraph
            copyable={{ text: enrolment.secret }}
            style={{ fontFamily: "monospace", fontSize: 16 }}
          >
            <span data-testid="totp-secret">{enrolment.secret}</span>
          </Typography.Paragraph>
          <Form<CodeForm>
            form={form}
            name="totp-setup"
            layout="vertical"
            requiredMark={false}
            onFinish={finish}
          >
            <OneTimeCodeField label={t("totp.authenticationCode")} inputRef={codeInput} />
            {failure !== null && (
              <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />
            )}
            <Flex gap="small">
              <Button
                type="primary"
                htmlType="submit"
                loading={confirm.isPending}
                aria-label={t("totp.confirm")}
              >
                {t("totp.confirm")}
              </Button>
              <Button onClick={() => setEnrolment(null)}>{t("common:cancel")}</Button>
            </Flex>
          </Form>
        </div>
      </Flex>
    </section>
  );
}
