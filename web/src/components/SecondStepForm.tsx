// The login's second step (SPEC §6.2): after a correct password for an account with a second factor,
// the code from the authenticator app, or one of the recovery codes. A spot is kept for signing in
// with a passkey (`passkeyAction`), shown when the account has one.
import { Alert, Button, Flex, Form, Input, type InputRef, Typography } from "antd";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../api/client";
import { useCompleteSecondStep } from "../api/queries";
import type { SecondStepMethod } from "../api/types";
import { describeCodeError, describeError } from "./errorMessages";
import { OneTimeCodeField } from "./OneTimeCodeField";

interface CodeForm {
  code: string;
}

export function SecondStepForm({
  methods,
  onDone,
  onRestart,
  passkeyAction,
}: {
  methods: readonly SecondStepMethod[];
  /** The login is complete: the session is a full one. */
  onDone: () => void;
  /** The second-step session ended (too many wrong codes, or too late): back to the password. */
  onRestart: (reason: string) => void;
  /** "Use a passkey", when the account has one (added by the passkey login). */
  passkeyAction?: ReactNode;
}) {
  const { t } = useTranslation("auth");
  const hasTotp = methods.includes("totp");
  const hasRecoveryCodes = methods.includes("recovery_code");
  const [method, setMethod] = useState<"totp" | "recovery_code">(hasTotp ? "totp" : "recovery_code");
  const [failure, setFailure] = useState<string | null>(null);
  const complete = useCompleteSecondStep();
  const [form] = Form.useForm<CodeForm>();
  const codeInput = useRef<InputRef>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the field changes with the method.
  useEffect(() => {
    codeInput.current?.focus();
  }, [method]);

  const switchMethod = () => {
    setMethod(method === "totp" ? "recovery_code" : "totp");
    setFailure(null);
    form.resetFields();
  };

  const verify = ({ code }: CodeForm) => {
    if (complete.isPending) return;
    setFailure(null);
    complete.mutate(
      { method, code: code.trim() },
      {
        onSuccess: () => onDone(),
        onError: (error) => {
          if (isApiError(error) && error.status === 401) {
            onRestart(
              error.details.reason === "second_step_ended"
                ? t("secondStep.tooManyWrongCodes")
                : t("secondStep.tooLate"),
            );
            return;
          }
          setFailure(
            isApiError(error) && error.code === "invalid_code"
              ? describeCodeError(error).message
              : describeError(error),
          );
          codeInput.current?.focus();
          codeInput.current?.select();
        },
      },
    );
  };

  return (
    <>
      <Typography.Paragraph>
        {method === "totp" ? t("secondStep.totpIntro") : t("secondStep.recoveryIntro")}
      </Typography.Paragraph>
      {failure !== null && (
        <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} role="alert" />
      )}
      <Form<CodeForm> form={form} name="second-step" layout="vertical" requiredMark={false} onFinish={verify}>
        {method === "totp" ? (
          <OneTimeCodeField label={t("secondStep.authenticationCode")} inputRef={codeInput} />
        ) : (
          <Form.Item
            label={t("secondStep.recoveryCode")}
            name="code"
            rules={[{ required: true, whitespace: true, message: t("secondStep.enterRecoveryCode") }]}
          >
            <Input ref={codeInput} autoComplete="off" spellCheck={false} style={{ maxWidth: 240 }} />
          </Form.Item>
        )}
        <Button
          type="primary"
          htmlType="submit"
          block
          loading={complete.isPending}
          aria-label={t("secondStep.verify")}
        >
          {t("secondStep.verify")}
        </Button>
      </Form>
      <Flex vertical align="center" gap="small" style={{ marginTop: 16 }}>
        {hasTotp && hasRecoveryCodes && (
          <Button type="link" onClick={switchMethod}>
            {method === "totp" ? t("secondStep.useRecoveryCode") : t("secondStep.useAuthenticator")}
          </Button>
        )}
        {/* The passkey login adds its button here. */}
        <div data-second-step-passkey="">{methods.includes("passkey") ? passkeyAction : null}</div>
      </Flex>
    </>
  );
}
