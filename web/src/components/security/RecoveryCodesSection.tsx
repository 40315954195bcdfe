// Security > Recovery codes: "Generate new recovery codes" (after a fresh verification); the old
// codes stop working and the new ones are shown once.
import { Alert, Button, Popconfirm, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useRegenerateRecoveryCodes } from "../../api/mfaQueries";
import { describeError } from "../errorMessages";

export function RecoveryCodesSection({ onRecoveryCodes }: { onRecoveryCodes: (codes: string[]) => void }) {
  const { t } = useTranslation("security");
  const regenerate = useRegenerateRecoveryCodes();
  const [failure, setFailure] = useState<string | null>(null);

  return (
    <>
      <Typography.Paragraph style={{ maxWidth: 640 }}>{t("recoveryCodes.intro")}</Typography.Paragraph>
      {failure !== null && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
      <Popconfirm
        title={t("recoveryCodes.generateConfirm")}
        description={t("recoveryCodes.generateConfirmDetail")}
        okText={t("recoveryCodes.generate")}
        onConfirm={() =>
          regenerate.mutateAsync().then(
            ({ recoveryCodes }) => {
              setFailure(null);
              onRecoveryCodes(recoveryCodes);
            },
            (error: unknown) => setFailure(describeError(error)),
          )
        }
      >
        <Button loading={regenerate.isPending}>{t("recoveryCodes.generateNew")}</Button>
      </Popconfirm>
    </>
  );
}
