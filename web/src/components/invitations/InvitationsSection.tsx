// `Invitations` on the member list (`members.invite`): every invitation, pending or closed, found by the
// member search's email text and an `Invitation Status` filter, newest first and paged by cursor. Pending
// ones offer `Resend` (a new link; the old one dies) and `Revoke`. A resend the server asks to wait for
// (429 with Retry-After) is no error: `Resend` counts the wait down and comes back when it ends.
import { App, Button, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useInvitations, useResendInvitation, useRevokeInvitation } from "../../api/invitationQueries";
import type { Invitation, InvitationStatus } from "../../api/types";
import { formatDateTime } from "../formatDateTime";
import { RoleTags } from "../members/RolePicker";
import { useActionsDirection } from "../narrowScreen";
import { PagedListFooter } from "../PagedListFooter";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";
import { useCursorPages } from "../useCursorPages";
import { formatCountdown, useSecondsUntil } from "../useSecondsUntil";
import { describeInvitationError } from "./describeInvitationError";

const PAGE_SIZE = 20;
const ALL = "all";

// Each status's name is `section.status.<status>` in the `invitations` catalogue.
const STATUSES: readonly InvitationStatus[] = ["pending", "accepted", "expired", "revoked"];
// Tag palettes whose text passes AA contrast through the theme's Tag tokens.
const STATUS_COLORS: Record<InvitationStatus, string | undefined> = {
  pending: "blue",
  accepted: "green",
  expired: undefined,
  revoked: "volcano",
};

type StatusChoice = InvitationStatus | typeof ALL;

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
  const { t } = useTranslation("invitations");
  const secondsLeft = useSecondsUntil(resendableAt);
  const isWaiting = secondsLeft > 0;
  return (
    <Space size={4}>
      <Button
        size="small"
        onClick={onResend}
        disabled={isWaiting}
        loading={isSending}
        aria-label={t("section.resend")}
      >
        {t("section.resend")}
      </Button>
      {isWaiting && (
        <Typography.Text
          type="secondary"
          role="timer"
          aria-label={t("section.resendPossibleIn", { seconds: secondsLeft })}
        >
          {formatCountdown(secondsLeft)}
        </Typography.Text>
      )}
    </Space>
  );
}

/** What the footer counts: "pending invitations" under the Pending filter, "invitations" under all. */
function nounOf(status: StatusChoice): string {
  return status === ALL ? "invitations" : `${status} invitations`;
}

export function InvitationsSection({
  companyId,
  search,
}: {
  companyId: string;
  /** The member search's email text: invitations are found by the same text. */
  search: string | undefined;
}) {
  const { message, modal } = App.useApp();
  const { t } = useTranslation("invitations");
  const statusLabelId = useId();
  const [status, setStatus] = useState<StatusChoice>(ALL);
  const term = search?.trim() || undefined;
  const filters = { statuses: status === ALL ? undefined : [status], search: term };
  const pages = useCursorPages(JSON.stringify(filters), PAGE_SIZE);
  const invitations = useInvitations(companyId, filters, pages.page);
  const resend = useResendInvitation(companyId);
  const revoke = useRevokeInvitation(companyId);
  const [resendableAt, setResendableAt] = useState<Record<string, number>>({});
  const actionsDirection = useActionsDirection();

  const resendInvitation = (invitation: Invitation) => {
    resend.mutate(invitation.id, {
      onSuccess: () => void message.success(t("section.resent")),
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
      title: t("section.revokeTitle"),
      content: t("section.revokeContent", { email: invitation.email }),
      okText: t("section.revoke"),
      okButtonProps: { danger: true },
      cancelText: t("section.cancel"),
      // Settles either way: a refusal is told as a notice, and the list is reloaded.
      onOk: () =>
        revoke
          .mutateAsync(invitation.id)
          .then(() => void message.success(t("section.revoked")))
          .catch((error: unknown) => void message.error(describeInvitationError(error))),
    });
  };

  const columns: TableColumnsType<Invitation> = [
    {
      key: "email",
      title: t("section.email"),
      fixed: "left",
      render: (_, invitation) => (
        <span
          className="truncated-text"
          title={invitation.email}
          style={{ maxWidth: "clamp(140px, 28vw, 320px)" }}
        >
          {invitation.email}
        </span>
      ),
    },
    {
      key: "status",
      title: t("section.statusColumn"),
      render: (_, invitation) => (
        <Tag color={STATUS_COLORS[invitation.status]}>{t(`section.status.${invitation.status}`)}</Tag>
      ),
    },
    {
      key: "roles",
      title: t("section.roles"),
      render: (_, invitation) => <RoleTags roles={invitation.roles} />,
    },
    {
      key: "invitedBy",
      title: t("section.invitedBy"),
      render: (_, invitation) =>
        invitation.invitedBy === null ? (
          <Typography.Text type="secondary">{t("section.system")}</Typography.Text>
        ) : (
          <span title={invitation.invitedBy.email}>
            {invitation.invitedBy.name || invitation.invitedBy.email}
          </span>
        ),
    },
    {
      key: "lastSentAt",
      title: t("section.sent"),
      render: (_, invitation) => formatDateTime(invitation.lastSentAt),
    },
    {
      key: "expiresAt",
      title: t("section.expires"),
      // A closed invitation's link no longer expires: it ended when it closed.
      render: (_, invitation) =>
        invitation.status === "pending" ? formatDateTime(invitation.expiresAt) : "—",
    },
    {
      key: "closedAt",
      title: t("section.closed"),
      render: (_, invitation) => (invitation.closedAt === null ? "—" : formatDateTime(invitation.closedAt)),
    },
    {
      key: "actions",
      title: <span className="visually-hidden">{t("section.actions")}</span>,
      align: "right",
      fixed: "right",
      render: (_, invitation) =>
        invitation.status === "pending" ? (
          <Space size="small" direction={actionsDirection} align="end">
            <ResendButton
              resendableAt={resendableAt[invitation.id] ?? null}
              isSending={resend.isPending && resend.variables === invitation.id}
              onResend={() => resendInvitation(invitation)}
            />
            <Button size="small" danger onClick={() => confirmRevoke(invitation)}>
              {t("section.revoke")}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <section aria-labelledby="invitations-title" style={{ marginTop: 40 }}>
      <SectionTitle id="invitations-title">{t("section.title")}</SectionTitle>
      <Space wrap size="middle" style={{ marginBottom: 12 }}>
        <Space size="small">
          <label id={statusLabelId} htmlFor={`${statusLabelId}-select`}>
            {t("section.invitationStatus")}
          </label>
          <Select<StatusChoice>
            id={`${statusLabelId}-select`}
            style={{ width: 150 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: ALL, label: t("section.allStatuses") },
              ...STATUSES.map((value) => ({ value, label: t(`section.status.${value}`) })),
            ]}
          />
        </Space>
        {term !== undefined && (
          <Typography.Text type="secondary">
            {t(term.length < 3 ? "section.emailsStartingWith" : "section.emailsContaining", { term })}
          </Typography.Text>
        )}
      </Space>
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
            scroll={{ x: "max-content" }}
            locale={{
              emptyText:
                term === undefined
                  ? t(`section.empty.${status === ALL ? "invitations" : status}`)
                  : t(`section.emptySearch.${status === ALL ? "invitations" : status}`),
            }}
          />
          <PagedListFooter
            pages={pages}
            pageSize={PAGE_SIZE}
            data={invitations.data}
            isLoading={invitations.isFetching}
            noun={nounOf(status)}
          />
        </>
      )}
    </section>
  );
}
