// Security > Two-factor authentication: the account's factors (name, type, added, last used), Rename
// and Remove, which ask for a fresh verification like every change of factors.
import { App, Button, Flex, Popconfirm, Table, type TableColumnsType } from "antd";
import { useState } from "react";
import { useOwnFactors, useRemoveFactor } from "../../api/mfaQueries";
import type { SecondFactor } from "../../api/types";
import { describeError } from "../errorMessages";
import { formatDateTime } from "../formatDateTime";
import { QueryErrorResult } from "../QueryErrorResult";
import { RenameFactorModal } from "./RenameFactorModal";

const TYPE_LABELS: Record<SecondFactor["type"], string> = {
  totp: "Authenticator app",
  passkey: "Passkey",
};

export function SecondFactorsTable() {
  const { message } = App.useApp();
  const factors = useOwnFactors();
  const remove = useRemoveFactor();
  const [renaming, setRenaming] = useState<SecondFactor | null>(null);

  if (factors.isError) return <QueryErrorResult error={factors.error} onRetry={() => factors.refetch()} />;

  const columns: TableColumnsType<SecondFactor> = [
    { key: "name", title: "Name", dataIndex: "name" },
    { key: "type", title: "Type", render: (_, factor) => TYPE_LABELS[factor.type] },
    { key: "createdAt", title: "Added", render: (_, factor) => formatDateTime(factor.createdAt) },
    {
      key: "lastUsedAt",
      title: "Last used",
      render: (_, factor) => (factor.lastUsedAt === null ? "Never" : formatDateTime(factor.lastUsedAt)),
    },
    {
      key: "actions",
      title: <span className="visually-hidden">Actions</span>,
      align: "right",
      render: (_, factor) => (
        <Flex gap="small" justify="flex-end">
          <Button size="small" aria-label={`Rename ${factor.name}`} onClick={() => setRenaming(factor)}>
            Rename
          </Button>
          <Popconfirm
            title={`Remove "${factor.name}"?`}
            description="You will no longer be able to log in with it."
            okText="Remove"
            okButtonProps={{ danger: true }}
            onConfirm={() =>
              remove.mutateAsync(factor.id).then(
                () => void message.success("Second factor removed"),
                (error: unknown) => void message.error(describeError(error)),
              )
            }
          >
            <Button size="small" danger aria-label={`Remove ${factor.name}`}>
              Remove
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
        locale={{ emptyText: "No second factor yet" }}
        scroll={{ x: "max-content" }}
        style={{ maxWidth: 900, marginBottom: 16 }}
      />
      <RenameFactorModal factor={renaming} onClose={() => setRenaming(null)} />
    </>
  );
}
