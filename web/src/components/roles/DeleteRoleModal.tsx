// `Delete` of a custom role, after confirmation. The server refuses while members or pending
// invitations hold the role (`role_in_use`), which the window explains; while it says so, `Delete` is
// disabled, with the reason on hover and focus.
import { Alert, App, Button, Modal, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useDeleteRole } from "../../api/queries";
import type { Role } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { describeRoleError } from "./roleErrors";

export function DeleteRoleModal({
  companyId,
  role,
  open,
  onClose,
  afterClose,
  labelOf,
}: {
  companyId: string;
  role: Role;
  open: boolean;
  onClose: () => void;
  afterClose: () => void;
  labelOf: (permission: string) => string;
}) {
  const { t } = useTranslation("roles");
  const labels = useCatalogueLabels();
  const { message } = App.useApp();
  const deleteRole = useDeleteRole(companyId);
  const failure = deleteRole.isError ? describeRoleError(deleteRole.error, labelOf, t) : null;
  const isInUse =
    role.memberCount > 0 || (isApiError(deleteRole.error) && deleteRole.error.code === "role_in_use");
  const inUseReason = t("errors.inUseHelp");
  const reasonId = `delete-role-reason-${role.id}`;

  const confirm = () => {
    deleteRole.mutate(role.id, {
      onSuccess: () => {
        void message.success(t("deleted"));
        onClose();
      },
    });
  };

  return (
    <Modal
      title={t("deleteTitle")}
      open={open}
      onCancel={onClose}
      afterClose={afterClose}
      maskClosable={!deleteRole.isPending}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t("cancel")}
        </Button>,
        isInUse ? (
          <Tooltip key="delete" title={inUseReason} trigger={["hover", "focus"]}>
            {/* aria-disabled, not disabled: a disabled button takes no focus, and the reason shows on focus. */}
            <Button
              danger
              aria-disabled
              aria-label={t("delete")}
              aria-describedby={reasonId}
              onClick={(event) => event.preventDefault()}
              style={{ opacity: 0.5, cursor: "not-allowed" }}
            >
              {t("delete")}
            </Button>
          </Tooltip>
        ) : (
          <Button
            key="delete"
            type="primary"
            danger
            loading={deleteRole.isPending}
            onClick={confirm}
            aria-label={t("delete")}
          >
            {t("delete")}
          </Button>
        ),
      ]}
    >
      <Typography.Paragraph>{t("deleteConfirm", { name: labels.roleName(role) })}</Typography.Paragraph>
      {role.memberCount > 0 && failure === null && (
        <Alert
          type="warning"
          showIcon
          message={t("membersHold", { count: role.memberCount })}
          description={<span id={reasonId}>{inUseReason}</span>}
          style={{ marginBottom: 16 }}
        />
      )}
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          message={failure.message}
          description={
            failure.description && <span id={isInUse ? reasonId : undefined}>{failure.description}</span>
          }
          style={{ marginBottom: 16 }}
        />
      )}
    </Modal>
  );
}
