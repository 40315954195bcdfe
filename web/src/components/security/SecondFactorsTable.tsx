// Security > Two-factor authentication: the account's factors (name, type, added, last used), Rename
// and Remove, which ask for a fresh verification like every change of factors.
import { App, Button, Flex, Popconfirm, Table, type TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useOwnFactors, useRemoveFactor } from "../../api/mfaQueries";
import type { SecondFactor } from "../../api/types";
import { describeError } from "../errorMessages";
import { formatDateTime } from "../formatDateTime";
import { QueryErrorResult } from "../QueryErrorResult";
import { RenameFactorModal } from "./RenameFactorModal";

/** Each type's name in the `security` catalogue. */
const TYPE_KEYS: Record<SecondFactor["type"], string> = {
  totp: "factors.types.totp",
  passkey: "factors.types.passkey",
};

export function SecondFactorsTable() {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const factors = useOwnFactors();
  const remove = useRemoveFactor();
  const [renaming, setRenaming] = useState<SecondFactor | null>(null);

  if (factors.isError) return <QueryErrorResult error={factors.error} onRetry={() => factors.refetch()} />;

  const columns: TableColumnsType<SecondFactor> = [
    { key: "name", title: t("factors.name"), dataIndex: "name" },
    { key: "type", title: t("factors.type"), render: (_, factor) => t(TYPE_KEYS[factor.type]) },
    { key: "createdAt", title: t("factors.added"), render: (_, factor) => formatDateTime(factor.createdAt) },
    {
      key: "lastUsedAt",
      title: t("factors.lastUsed"),
      render: (_, factor) =>
        factor.lastUsedAt === null ? t("factors.never") : formatDateTime(factor.lastUsedAt),
    },
    {
      key: "actions",
      title: <span className="visually-hidden">{t("factors.actions")}</span>,
      align: "right",
      render: (_, factor) => (
        <Flex gap="small" justify="flex-end">
          <Button
            size="small"
            aria-label={t("factors.renameNamed", { name: factor.name })}
            onClick={() => setRenaming(factor)}
          >
            {t("factors.rename")}
          </Button>
          <Popconfirm
            title={t("factors.removeConfirm", { name: factor.name })}
            description={t("factors.removeConfirmDetail")}
            okText={t("factors.remove")}
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              remove.mutateAsync(factor.id).then(
                () => void message.success(t("factors.removed")),
                (error: unknown) => void message.error(describeError(error)),
              )
            }
          >
            <Button size="small" danger aria-label={t("factors.removeNamed", { name: factor.name })}>
              {t("factors.remove")}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];

  return (
    <>
      <Table<SecondFactor>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={factors.data?.items ?? []}
        loading={factors.isPending}
        pagination={false}
        locale={{ emptyText: t("factors.none") }}
        scroll={{ x: "max-content" }}
        style={{ maxWidth: 900, marginBottom: 16 }}
      />
      <RenameFactorModal factor={renaming} onClose={() => setRenaming(null)} />
    </>
  );
}
