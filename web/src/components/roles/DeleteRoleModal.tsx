// `Delete` of a custom role, after confirmation. The server refuses while members or pending
// invitations hold the role (`role_in_use`), which the window explains; while it says so, `Delete` is
// disabled, with the reason on hover and focus.
import { Alert, App, Button, Modal, Tooltip, Typography } from "antd";
import { isApiError } from "../../api/client";
import { useDeleteRole } from "../../api/queries";
import type { Role } from "../../api/types";
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
  const { message } = App.useApp();
  const deleteRole = useDeleteRole(companyId);
  const failure = deleteRole.isError ? describeRoleError(deleteRole.error, labelOf) : null;
  const isInUse =
    role.memberCount > 0 || (isApiError(deleteRole.error) && deleteRole.error.code === "role_in_use");
  const inUseReason = "Remove this role from its members and pending invitations first.";
  const reasonId = `delete-role-reason-${role.id}`;

  const confirm = () => {
    deleteRole.mutate(role.id, {
      onSuccess: () => {
        void message.success("Role deleted");
        onClose();
      },
    });
  };

  return (
    <Modal
      title="Delete role"
      open={open}
      onCancel={onClose}
      afterClose={afterClose}
      maskClosable={!deleteRole.isPending}
      footer={[
        <Button key="cancel" onClick={onClose}>
          Cancel
        </Button>,
        isInUse ? (
          <Tooltip key="delete" title={inUseReason} trigger={["hover", "focus"]}>
            {/* aria-disabled, not disabled: a disabled button takes no focus, and the reason shows on focus. */}
            <Button
              danger
              aria-disabled
              aria-label="Delete"
              aria-describedby={reasonId}
              onClick={(event) => event.preventDefault()}
              style={{ opacity: 0.5, cursor: "not-allowed" }}
            >
              Delete
            </Button>
          </Tooltip>
        ) : (
          <Button
            key="delete"
            type="primary"
            danger
            loading={deleteRole.isPending}
            onClick={confirm}
            aria-label="Delete"
          >
            Delete
          </Button>
        ),
      ]}
    >
      <Typography.Paragraph>{`Delete the role “${role.name}”? This cannot be undone.`}</Typography.Paragraph>
      {role.memberCount > 0 && failure === null && (
        <Alert
          type="warning"
          showIcon
          message={
            role.memberCount === 1
              ? "1 member holds this role."
              : `${role.memberCount} members hold this role.`
          }
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
