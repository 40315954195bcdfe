// `Deactivate` (user guide §5): asks to confirm, saying what deactivation means, then deactivates
// (after Email Verification if needed) and tells which email account has been deactivated.
import { Alert, App, Button, Modal, Typography } from "antd";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useChangeMemberStatus } from "../../api/memberQueries";
import type { Member } from "../../api/types";
import { currentMemberOfConflict, describeMemberChangeError } from "./describeMemberChangeError";

/** Open while `member` is set; like the Change Role window, it acts on the newest copy it is given. */
export function DeactivateMemberDialog({
  companyId,
  member,
  onConflict,
  onClose,
}: {
  companyId: string;
  member: Member | null;
  onConflict: (current: Member) => void;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const { t } = useTranslation("members");
  const changeStatus = useChangeMemberStatus(companyId);
  const [failure, setFailure] = useState<string | null>(null);
  const [shown, setShown] = useState(member);
  if (member !== null && member !== shown) setShown(member);

  const isDeactivating = changeStatus.isPending;

  // Not while the request runs: its outcome is told here, and the admin should see it.
  const close = () => {
    if (isDeactivating) return;
    setFailure(null);
    onClose();
  };

  const deactivate = () => {
    if (member === null) return;
    setFailure(null);
    // mutateAsync: the outcome of this very call, however the dialog and the page change meanwhile.
    void changeStatus.mutateAsync({ member, change: "deactivate" }).then(
      () => {
        void message.success(t("deactivate.done", { email: member.email }));
        setFailure(null);
        onClose();
      },
      (error: unknown) => {
        setFailure(describeMemberChangeError(error));
        const current = currentMemberOfConflict(error);
        if (current !== null) onConflict(current);
      },
    );
  };

  return (
    <Modal
      title={t("deactivate.title")}
      open={member !== null}
      onCancel={close}
      closable={{ disabled: isDeactivating }}
      keyboard={!isDeactivating}
      maskClosable={false}
      footer={[
        <Button key="cancel" onClick={close} disabled={isDeactivating}>
          {t("deactivate.cancel")}
        </Button>,
        <Button
          key="deactivate"
          type="primary"
          danger
          onClick={deactivate}
          loading={isDeactivating}
          aria-label={t("deactivate.deactivate")}
        >
          {t("deactivate.deactivate")}
        </Button>,
      ]}
    >
      {shown !== null && (
        <>
          <Typography.Paragraph>
            <Trans
              t={t}
              i18nKey={shown.name !== "" ? "deactivate.questionWithName" : "deactivate.question"}
              values={{ email: shown.email, name: shown.name }}
              components={{ strong: <Typography.Text strong /> }}
            />
          </Typography.Paragraph>
          <Typography.Paragraph>{t("deactivate.explanation")}</Typography.Paragraph>
        </>
      )}
      {failure !== null && <Alert type="error" showIcon message={failure} role="alert" />}
    </Modal>
  );
}
