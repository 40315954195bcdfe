// `Deactivate` (user guide §5): asks to confirm, saying what deactivation means, then deactivates
// (after Email Verification if needed) and tells which email account has been deactivated.
import { Alert, App, Button, Modal, Typography } from "antd";
import { useState } from "react";
import { useChangeMemberStatus } from "../../api/memberQueries";
import type { Member } from "../../api/types";
import { describeMemberChangeError } from "./describeMemberChangeError";

export function DeactivateMemberDialog({
  companyId,
  member,
  onClose,
}: {
  companyId: string;
  member: Member | null;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const changeStatus = useChangeMemberStatus(companyId);
  const [failure, setFailure] = useState<string | null>(null);
  const [shown, setShown] = useState(member);
  if (member !== null && member !== shown) setShown(member);

  const close = () => {
    setFailure(null);
    changeStatus.reset();
    onClose();
  };

  const deactivate = () => {
    if (member === null) return;
    setFailure(null);
    changeStatus.mutate(
      { member, change: "deactivate" },
      {
        onSuccess: () => {
          void message.success(`${member.email} has been deactivated`);
          close();
        },
        onError: (error) => setFailure(describeMemberChangeError(error)),
      },
    );
  };

  return (
    <Modal
      title="Deactivate member"
      open={member !== null}
      onCancel={close}
      maskClosable={false}
      footer={[
        <Button key="cancel" onClick={close}>
          Cancel
        </Button>,
        <Button
          key="deactivate"
          type="primary"
          danger
          onClick={deactivate}
          loading={changeStatus.isPending}
          aria-label="Deactivate"
        >
          Deactivate
        </Button>,
      ]}
    >
      {shown !== null && (
        <>
          <Typography.Paragraph>
            Deactivate <Typography.Text strong>{shown.email}</Typography.Text>
            {shown.name !== "" && ` (${shown.name})`}?
          </Typography.Paragraph>
          <Typography.Paragraph>
            Deactivated members won't be able to log in to the Merchant Portal for this company: their access
            ends at once, on every device. Their roles are kept, and you can reactivate them later.
          </Typography.Paragraph>
        </>
      )}
      {failure !== null && <Alert type="error" showIcon message={failure} role="alert" />}
    </Modal>
  );
}
