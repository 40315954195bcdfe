// Account > Roles (`roles.manage`): the five predefined roles and the company's custom roles;
// `Create role`, and `Edit` / `Delete` of custom roles.
import { Button, Flex, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePermissionCatalogue, useRoles } from "../api/queries";
import type { Role } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { DeleteRoleModal } from "../components/roles/DeleteRoleModal";
import { RoleEditorDrawer, type RoleEditorTarget } from "../components/roles/RoleEditorDrawer";
import { RolesTable } from "../components/roles/RolesTable";
import { useCan } from "../components/useCan";
import { useCatalogueLabels } from "../i18n/catalogueLabels";

/** A window on screen (`open`) or playing its closing animation; `key` makes each opening fresh. */
interface Opened<T> {
  target: T;
  open: boolean;
  key: number;
}

export function RolesPage() {
  const { t } = useTranslation("roles");
  const labels = useCatalogueLabels();
  const { membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const canManage = useCan("roles.manage");
  const roles = useRoles(companyId);
  const catalogue = usePermissionCatalogue();
  const [editor, setEditor] = useState<Opened<RoleEditorTarget> | null>(null);
  const [deletion, setDeletion] = useState<Opened<Role> | null>(null);

  const labelOf = (key: string) =>
    labels.permissionLabel(
      key,
      catalogue.data?.items.find((permission) => permission.key === key)?.label ?? key,
    );
  const openEditor = (target: RoleEditorTarget) => setEditor({ target, open: true, key: Date.now() });

  return (
    <>
      <Flex justify="space-between" align="center" gap="middle" wrap>
        <PageTitle>{t("title")}</PageTitle>
        {canManage && (
          <Button type="primary" onClick={() => openEditor(null)}>
            {t("createRole")}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
      {roles.isError ? (
        <QueryErrorResult error={roles.error} onRetry={() => roles.refetch()} />
      ) : (
        <RolesTable
          roles={roles.data?.items}
          catalogue={catalogue.data?.items}
          isLoading={roles.isPending}
          onEdit={openEditor}
          onDelete={(role) => setDeletion({ target: role, open: true, key: Date.now() })}
        />
      )}
      {editor !== null && (
        <RoleEditorDrawer
          key={editor.key}
          companyId={companyId}
          role={editor.target}
          catalogue={catalogue.data?.items}
          open={editor.open}
          onClose={() => setEditor({ ...editor, open: false })}
          afterClose={() => setEditor(null)}
        />
      )}
      {deletion !== null && (
        <DeleteRoleModal
          key={deletion.key}
          companyId={companyId}
          role={deletion.target}
          open={deletion.open}
          onClose={() => setDeletion({ ...deletion, open: false })}
          afterClose={() => setDeletion(null)}
          labelOf={labelOf}
        />
      )}
    </>
  );
}
