// `Pending invitations` on the member list (`members.invite`): who was invited with which roles, by
// whom, until when; `Resend` mails a new link (the old one dies), `Revoke` kills the link. A resend the
// server asks to wait for (429 with Retry-After, e.g. within a minute of the last mail) is no error:
// `Resend` counts the wait down and comes back when it ends.
import { App, Button, Space, Table, type TableColumnsType, Typography } from "antd";
import { useState } from "react";
import { isApiError } from "../../api/client";
import { useInvitations, useResendInvitation, useRevokeInvitation } from "../../api/invitationQueries";
import type { Invitation } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { RoleTags } from "../members/RolePicker";
import { PagedListFooter } from "../PagedListFooter";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";
import { useCursorPages } from "../useCursorPages";
import { formatCountdown, useSecondsUntil } from "../useSecondsUntil";
import { describeInvitationError } from "./describeInvitationError";

const PAGE_SIZE = 20;

/** The wait a refused resend asks for, in seconds: the Retry-After header, else the error's details. */
function retryAfterOf(error: unknown): number | null {
  if (!isApiError(error) || error.status !== 429) return null;
  if (error.retryAfterSeconds !== null && error.retryAfterSeconds > 0) return error.retryAfterSeconds;
  const fromDetails = error.details.retryAfterSeconds;
  return typeof fromDetails === "number" && fromDetails > 0 ? fromDetails : null;
}

function ResendButton({
  resendableAt,
  isSending,
  onResend,
}: {
  /** When the server lets this invitation be resent again (epoch ms), or null. */
  resendableAt: number | null;
  isSending: boolean;
  onResend: () => void;
}) {
  const secondsLeft = useSecondsUntil(resendableAt);
  const isWaiting = secondsLeft > 0;
  return (
    <Space size={4}>
      <Button size="small" onClick={onResend} disabled={isWaiting} loading={isSending} aria-label="Resend">
        Resend
      </Button>
      {isWaiting && (
        <Typography.Text
          type="secondary"
          role="timer"
          aria-label={`Resend possible in ${secondsLeft} seconds`}
        >
          {formatCountdown(secondsLeft)}
        </Typography.Text>
      )}
    </Space>
  );
}

export function PendingInvitationsSection({ companyId }: { companyId: string }) {
  const { message, modal } = App.useApp();
  const pages = useCursorPages("pending", PAGE_SIZE);
  const invitations = useInvitations(companyId, "pending", pages.page);
  const resend = useResendInvitation(companyId);
  const revoke = useRevokeInvitation(companyId);
  const [resendableAt, setResendableAt] = useState<Record<string, number>>({});

  const resendInvitation = (invitation: Invitation) => {
    resend.mutate(invitation.id, {
      onSuccess: () => void message.success("Invitation resent"),
      onError: (error) => {
        const wait = retryAfterOf(error);
        if (wait === null) {
          void message.error(describeInvitationError(error));
          return;
        }
        setResendableAt((known) => ({ ...known, [invitation.id]: Date.now() + wait * 1000 }));
      },
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
          <ResendButton
            resendableAt={resendableAt[invitation.id] ?? null}
            isSending={resend.isPending && resend.variables === invitation.id}
            onResend={() => resendInvitation(invitation)}
          />
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
