// `Remove` on a deactivated member's row (SPEC §6.4): asks to confirm that the membership ends for
// good, then removes it (after Email Verification if needed). A later invitation makes a new member.
import { Alert, App, Modal, Typography } from "antd";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
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
  const { t } = useTranslation("members");
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
        void message.success(t("remove.done", { email: member.email }));
        onClose();
      },
      (error: unknown) => setFailure(describeMemberChangeError(error)),
    );
  };
  return (
    <Modal
      title={t("remove.title")}
      open={member !== null}
      onCancel={close}
      onOk={confirm}
      okText={t("remove.remove")}
      okButtonProps={{ danger: true, loading: remove.isPending }}
      cancelButtonProps={{ disabled: remove.isPending }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        <Trans
          t={t}
          i18nKey="remove.question"
          values={{ email: member?.email ?? "" }}
          components={{ strong: <Typography.Text strong /> }}
        />
      </Typography.Paragraph>
      {failure !== null && <Alert type="error" showIcon role="alert" message={failure} />}
    </Modal>
  );
}
