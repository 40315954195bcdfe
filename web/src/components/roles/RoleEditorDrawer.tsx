// `Create role` and `Edit` of a custom role: `Role name`, `Description` and the permission picker,
// with the live "This role can / cannot" summary beside it. Saving may open the Email Verification
// window first (the API client does that); a refusal is shown in the drawer, by the field it concerns.
import { Alert, App, Button, Col, Drawer, Flex, Form, Input, Row, Skeleton, Typography } from "antd";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useCreateRole, useUpdateRole } from "../../api/queries";
import type { PermissionDescription, PermissionKey, Role } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { useMayGrant } from "../useCan";
import { PermissionPicker } from "./PermissionPicker";
import { RolePermissionSummary } from "./RolePermissionSummary";
import { describeRoleError, type RoleErrorDescription } from "./roleErrors";

interface RoleForm {
  name: string;
  description: string;
  permissions: PermissionKey[];
}

/** The server refuses control characters and angle brackets in a role name. */
function hasForbiddenCharacter(name: string): boolean {
  return [...name].some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || code === 0x7f || character === "<" || character === ">";
  });
}

/** `null`: a new role. */
export type RoleEditorTarget = Role | null;

export function RoleEditorDrawer({
  companyId,
  role,
  catalogue,
  open,
  onClose,
  afterClose,
}: {
  companyId: string;
  role: RoleEditorTarget;
  /** Undefined while the catalogue loads. */
  catalogue: readonly PermissionDescription[] | undefined;
  open: boolean;
  onClose: () => void;
  afterClose: () => void;
}) {
  const { t } = useTranslation("roles");
  const labels = useCatalogueLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<RoleForm>();
  const createRole = useCreateRole(companyId);
  const updateRole = useUpdateRole(companyId);
  const { isAdmin, mayGrant } = useMayGrant();
  const [failure, setFailure] = useState<RoleErrorDescription | null>(null);
  const formId = useId();
  const permissionsHeadingId = useId();
  const picked = Form.useWatch("permissions", form) ?? role?.permissions ?? [];

  const isNew = role === null;
  const title = isNew ? t("createRole") : t("editRole");
  const isSaving = createRole.isPending || updateRole.isPending;
  const labelOf = (key: string) =>
    labels.permissionLabel(key, catalogue?.find((permission) => permission.key === key)?.label ?? key);
  // Editing grants what the role holds already, too: beyond the member's own, only an Admin may.
  const heldBeyondOwn = role?.permissions.filter((permission) => !mayGrant(permission)) ?? [];
  const isLocked = heldBeyondOwn.length > 0;
  const hasUngrantable = !isAdmin && (catalogue ?? []).some((permission) => !mayGrant(permission.key));

  const onFailure = (error: unknown) => {
    const description = describeRoleError(error, labelOf, t);
    if (description.field === "name") {
      form.setFields([{ name: "name", errors: [description.message] }]);
      setFailure(null);
    } else {
      setFailure(description);
    }
  };

  const save = (values: RoleForm) => {
    setFailure(null);
    const request = {
      name: values.name.trim(),
      description: (values.description ?? "").trim(),
      permissions: values.permissions,
    };
    if (isNew) {
      createRole.mutate(request, {
        onSuccess: () => {
          void message.success(t("created"));
          onClose();
        },
        onError: onFailure,
      });
    } else {
      updateRole.mutate(
        { roleId: role.id, changes: request },
        {
          onSuccess: () => {
            void message.success(t("saved"));
            onClose();
          },
          onError: onFailure,
        },
      );
    }
  };

  return (
    <Drawer
      title={title}
      open={open}
      onClose={onClose}
      afterOpenChange={(isOpen) => {
        if (!isOpen) afterClose();
      }}
      width="min(920px, 100vw)"
      maskClosable={!isSaving}
      footer={
        <Flex justify="flex-end" gap="small">
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button
            type="primary"
            htmlType="submit"
            form={formId}
            loading={isSaving}
            disabled={catalogue === undefined || isLocked}
            aria-label={isNew ? t("create") : t("save")}
          >
            {isNew ? t("create") : t("save")}
          </Button>
        </Flex>
      }
    >
      {catalogue === undefined ? (
        <Skeleton active />
      ) : (
        <Form<RoleForm>
          form={form}
          id={formId}
          name="role-editor"
          layout="vertical"
          requiredMark={false}
          initialValues={{
            name: role?.name ?? "",
            description: role?.description ?? "",
            permissions: role?.permissions ?? [],
          }}
          onFinish={save}
          onValuesChange={() => failure !== null && setFailure(null)}
          disabled={isLocked}
        >
          {isLocked && (
            <Alert
              type="warning"
              showIcon
              message={t("lockedTitle")}
              description={t("lockedDescription", {
                permissions: heldBeyondOwn.map(labelOf).join(t("listSeparator")),
              })}
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
          <Row gutter={32}>
            <Col xs={24} md={14}>
              <Form.Item
                label={t("roleName")}
                name="name"
                rules={[
                  { required: true, whitespace: true, message: t("enterName") },
                  { max: 60, message: t("atMost60") },
                  {
                    validator: (_, value: string | undefined) =>
                      value !== undefined && hasForbiddenCharacter(value)
                        ? Promise.reject(new Error(t("forbiddenCharacters")))
                        : Promise.resolve(),
                  },
                ]}
              >
                <Input maxLength={60} autoComplete="off" autoFocus />
              </Form.Item>
              <Form.Item
                label={t("description")}
                name="description"
                rules={[{ max: 500, message: t("atMost500") }]}
              >
                <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 5 }} />
              </Form.Item>
              <Typography.Title level={5} id={permissionsHeadingId} style={{ marginTop: 0 }}>
                {t("permissions")}
              </Typography.Title>
              {hasUngrantable && !isLocked && (
                <Typography.Paragraph type="secondary">{t("onlyYours")}</Typography.Paragraph>
              )}
              <Form.Item
                name="permissions"
                rules={[
                  {
                    validator: (_, value: string[] | undefined) =>
                      value !== undefined && value.length > 0
                        ? Promise.resolve()
                        : Promise.reject(new Error(t("selectOne"))),
                  },
                ]}
              >
                <PermissionPicker
                  catalogue={catalogue}
                  mayGrant={mayGrant}
                  labelledBy={permissionsHeadingId}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <section
                aria-label={t("permissionSummary")}
                style={{ position: "sticky", top: 0, display: "flex", flexDirection: "column", gap: 16 }}
              >
                <RolePermissionSummary permissions={picked} catalogue={catalogue} />
              </section>
            </Col>
          </Row>
        </Form>
      )}
    </Drawer>
  );
}
