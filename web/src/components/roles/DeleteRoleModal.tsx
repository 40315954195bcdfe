// `Delete` of a custom role, after confirmation. The server refuses while members or pending
// invitations hold the role (`role_in_use`), which the window explains.
import { Alert, App, Modal, Typography } from "antd";
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
      onOk={confirm}
      okText="Delete"
      okButtonProps={{ danger: true, loading: deleteRole.isPending, "aria-label": "Delete" }}
      maskClosable={!deleteRole.isPending}
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
          description="Remove this role from its members and pending invitations first."
          style={{ marginBottom: 16 }}
        />
      )}
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          message={failure.message}
          description={failure.description}
          style={{ marginBottom: 16 }}
        />
      )}
    </Modal>
  );
}
