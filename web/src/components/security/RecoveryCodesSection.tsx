// Security > Recovery codes: "Generate new recovery codes" (after a fresh verification); the old
// codes stop working and the new ones are shown once.
import { Alert, Button, Popconfirm, Typography } from "antd";
import { useState } from "react";
import { useRegenerateRecoveryCodes } from "../../api/mfaQueries";
import { describeError } from "../errorMessages";

export function RecoveryCodesSection({ onRecoveryCodes }: { onRecoveryCodes: (codes: string[]) => void }) {
  const regenerate = useRegenerateRecoveryCodes();
  const [failure, setFailure] = useState<string | null>(null);

  return (
    <>
      <Typography.Paragraph style={{ maxWidth: 640 }}>
        If you lose your authenticator app, a recovery code logs you in once. You were given 10 when you set
        up two-factor authentication.
      </Typography.Paragraph>
      {failure !== null && <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} />}
      <Popconfirm
        title="Generate new recovery codes?"
        description="Your current recovery codes will stop working."
        okText="Generate"
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
        <Button loading={regenerate.isPending}>Generate new recovery codes</Button>
      </Popconfirm>
    </>
  );
}
