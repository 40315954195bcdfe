// `Pending invitations` on the member list (`members.invite`): who was invited with which roles, by
// whom, until when; `Resend` mails a new link (the old one dies), `Revoke` kills the link.
import { App, Button, Space, Table, type TableColumnsType, Typography } from "antd";
import { useInvitations, useResendInvitation, useRevokeInvitation } from "../../api/invitationQueries";
import type { Invitation } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { RoleTags } from "../members/RolePicker";
import { PagedListFooter } from "../PagedListFooter";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";
import { useCursorPages } from "../useCursorPages";
import { describeInvitationError } from "./describeInvitationError";

const PAGE_SIZE = 20;

export function PendingInvitationsSection({ companyId }: { companyId: string }) {
  const { message, modal } = App.useApp();
  const pages = useCursorPages("pending", PAGE_SIZE);
  const invitations = useInvitations(companyId, "pending", pages.page);
  const resend = useResendInvitation(companyId);
  const revoke = useRevokeInvitation(companyId);

  const resendInvitation = (invitation: Invitation) => {
    resend.mutate(invitation.id, {
      onSuccess: () => void message.success("Invitation resent"),
      onError: (error) => void message.error(describeInvitationError(error)),
    });
  };

  const confirmRevoke = (invitation: Invitation) => {
    modal.confirm({
      title: "Revoke invitation",
      content: `The invitation to ${invitation.email} will stop working. You can invite them again later.`,
      okText: "Revoke",
      okButtonProps: { danger: true },
      cancelText: "Cancel",
      // Settles either way: a refusal is told as a notice, and the list is reloaded.
      onOk: () =>
        revoke
          .mutateAsync(invitation.id)
          .then(() => void message.success("Invitation revoked"))
          .catch((error: unknown) => void message.error(describeInvitationError(error))),
    });
  };

  const columns: TableColumnsType<Invitation> = [
    { key: "email", title: "Email", render: (_, invitation) => invitation.email },
    { key: "roles", title: "Roles", render: (_, invitation) => <RoleTags roles={invitation.roles} /> },
    {
      key: "invitedBy",
      title: "Invited by",
      render: (_, invitation) =>
        invitation.invitedBy === null ? (
          <Typography.Text type="secondary">System</Typography.Text>
        ) : (
          <span title={invitation.invitedBy.email}>
            {invitation.invitedBy.name || invitation.invitedBy.email}
          </span>
        ),
    },
    { key: "lastSentAt", title: "Sent", render: (_, invitation) => formatDateTime(invitation.lastSentAt) },
    { key: "expiresAt", title: "Expires", render: (_, invitation) => formatDateTime(invitation.expiresAt) },
    {
      key: "actions",
      title: <span className="visually-hidden">Actions</span>,
      align: "right",
      render: (_, invitation) => (
        <Space size="small">
          <Button
            size="small"
            onClick={() => resendInvitation(invitation)}
            loading={resend.isPending && resend.variables === invitation.id}
            aria-label="Resend"
          >
            Resend
          </Button>
          <Button size="small" danger onClick={() => confirmRevoke(invitation)}>
            Revoke
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <section aria-labelledby="pending-invitations-title" style={{ marginTop: 40 }}>
      <SectionTitle id="pending-invitations-title">Pending invitations</SectionTitle>
      {invitations.isError ? (
        <QueryErrorResult error={invitations.error} onRetry={() => invitations.refetch()} />
      ) : (
        <>
          <Table<Invitation>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={invitations.data?.items}
            loading={invitations.isPending || (invitations.isFetching && invitations.isPlaceholderData)}
            pagination={false}
            scroll={{ x: true }}
            locale={{ emptyText: "No pending invitations." }}
          />
          <PagedListFooter
            pages={pages}
            pageSize={PAGE_SIZE}
            data={invitations.data}
            isLoading={invitations.isFetching}
            noun="pending invitations"
          />
        </>
      )}
    </section>
  );
}
