// The step-up window's passkey answer (SPEC §6.2): when the server asks for the account's passkey
// instead of a mailed code, "Use your passkey" runs the authenticator and verifies its answer.
import { Alert, Button, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { usePasskeyStepUp } from "../../api/passkeyQueries";
import { describePasskeyError } from "./describePasskeyError";

export function PasskeyStepUp({
  challenge,
  onVerified,
  onRetry,
}: {
  challenge: { challengeId: string; options?: unknown };
  onVerified: () => void;
  /** A refused answer ends the challenge: a new one is asked for. */
  onRetry: () => void;
}) {
  const { t } = useTranslation("security");
  const verify = usePasskeyStepUp();
  const use = () => {
    verify.mutate(
      { challengeId: challenge.challengeId, options: challenge.options },
      { onSuccess: onVerified },
    );
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Typography.Paragraph style={{ marginBottom: 0 }}>{t("passkeys.stepUpPrompt")}</Typography.Paragraph>
      {verify.isError && (
        <Alert
          type="error"
          showIcon
          message={describePasskeyError(verify.error)}
          action={
            <Button
              size="small"
              onClick={() => {
                verify.reset();
                onRetry();
              }}
            >
              {t("passkeys.startAgain")}
            </Button>
          }
        />
      )}
      <Button
        type="primary"
        onClick={use}
        loading={verify.isPending}
        disabled={verify.isError}
        aria-label={t("passkeys.use")}
      >
        {t("passkeys.use")}
      </Button>
    </Space>
  );
}
