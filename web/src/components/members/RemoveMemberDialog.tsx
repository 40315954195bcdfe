// `Remove` on a deactivated member's row (SPEC §6.4): asks to confirm that the membership ends for
// good, then removes it (after Email Verification if needed). A later invitation makes a new member.
import { Alert, App, Modal, Typography } from "antd";
import { useState } from "react";
import { useRemoveMember } from "../../api/memberQueries";
import type { Member } from "../../api/types";
import { describeMemberChangeError } from "./describeMemberChangeError";

export function RemoveMemberDialog({
  companyId,
  member,
  onClose,
}: {
  companyId: string;
  member: Member | null;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const remove = useRemoveMember(companyId);
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    if (remove.isPending) return;
    setFailure(null);
    onClose();
  };
  const confirm = () => {
    if (member === null) return;
    setFailure(null);
    void remove.mutateAsync(member.id).then(
      () => {
        void message.success(`${member.email} has been removed from the company`);
        onClose();
      },
      (error: unknown) => setFailure(describeMemberChangeError(error)),
    );
  };
  return (
    <Modal
      title="Remove member"
      open={member !== null}
      onCancel={close}
      onOk={confirm}
      okText="Remove"
      okButtonProps={{ danger: true, loading: remove.isPending }}
      cancelButtonProps={{ disabled: remove.isPending }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        Remove <Typography.Text strong>{member?.email}</Typography.Text> from the company for good? Their
        membership and roles end; the audit log keeps what they did. To give them access again, invite them as
        a new member.
      </Typography.Paragraph>
      {failure !== null && <Alert type="error" showIcon role="alert" message={failure} />}
    </Modal>
  );
}
