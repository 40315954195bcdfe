// What an invitation link offers and how its holder accepts it (SPEC rule 8): a new person sets a name
// and password; an existing account accepts with its session (logged in as the invited email) or with
// its password. Another logged-in account is told to log out; a dead link gets a clear result.

import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Descriptions, Form, Input, Skeleton, Typography } from "antd";
import type { ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { isApiError } from "../../api/client";
import { invitationQueryKeys, useAcceptInvitation, useInvitationLink } from "../../api/invitationQueries";
import { queryKeys, useLogout, useMe } from "../../api/queries";
import type { InvitationAcceptRequest, PublicInvitation } from "../../api/types";
import { companyPath } from "../../navigation";
import { describeError } from "../errorMessages";
import { formatDateTime } from "../formatDateTime";
import { RoleTags } from "../members/RolePicker";
import { NewPasswordFields } from "../NewPasswordFields";
import { InvitationClosedResult, isClosedInvitationCode } from "./InvitationClosedResult";

interface SignUpForm {
  name: string;
  password: string;
  confirmPassword: string;
}

function AcceptButton({ isPending }: { isPending: boolean }) {
  return (
    <Button type="primary" htmlType="submit" block loading={isPending} aria-label="Accept invitation">
      Accept invitation
    </Button>
  );
}

function InvitationSummary({ invitation }: { invitation: PublicInvitation }) {
  return (
    <Descriptions
      column={1}
      size="small"
      style={{ marginBottom: 16 }}
      items={[
        { key: "email", label: "Invited email", children: invitation.email },
        {
          key: "invitedBy",
          label: "Invited by",
          children:
            invitation.invitedBy === null
              ? "The portal administrators"
              : `${invitation.invitedBy.name} (${invitation.invitedBy.email})`,
        },
        { key: "roles", label: "Roles", children: <RoleTags roles={invitation.roles} /> },
        { key: "expiresAt", label: "Expires", children: formatDateTime(invitation.expiresAt) },
      ]}
    />
  );
}

export function AcceptInvitationPanel({ token, onLoggedOut }: { token: string; onLoggedOut: () => void }) {
  const link = useInvitationLink(token);
  const me = useMe();
  const accept = useAcceptInvitation(token);
  const logout = useLogout();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  if (link.isPending) return <Skeleton active />;
  if (link.isError) {
    const error = link.error;
    if (isApiError(error) && isClosedInvitationCode(error.code))
      return <InvitationClosedResult code={error.code} />;
    return (
      <Alert
        type="error"
        showIcon
        message="The invitation could not be loaded"
        description={describeError(error)}
        action={
          <Button size="small" onClick={() => link.refetch()}>
            Retry
          </Button>
        }
      />
    );
  }
  const acceptError = accept.error;
  if (isApiError(acceptError) && isClosedInvitationCode(acceptError.code)) {
    return <InvitationClosedResult code={acceptError.code} />;
  }

  const invitation = link.data;
  // A 401 only means nobody is logged in in this browser.
  const sessionEmail = me.isSuccess ? me.data.account.email : null;
  const isInvitedSession =
    sessionEmail !== null && sessionEmail.toLowerCase() === invitation.email.toLowerCase();

  const submit = (request: InvitationAcceptRequest) =>
    accept.mutate(request, {
      onSuccess: ({ companyId, me: acceptedMe }) => {
        // The browser's session is now the invited account's: nothing cached for another may stay
        // (but this page's own link, which would refetch as "used" before the page is left).
        queryClient.removeQueries({
          predicate: (query) => query.queryKey[0] !== invitationQueryKeys.invitationLink(token)[0],
        });
        queryClient.setQueryData(queryKeys.me, acceptedMe);
        void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        navigate(companyPath(companyId), { replace: true });
      },
      onError: (error) => {
        // The session ended meanwhile: show the way in without it.
        if (isApiError(error) && error.status === 401) void me.refetch();
      },
    });

  // Another account's session never creates the invited one (the server answers email_mismatch).
  const isOtherSession = sessionEmail !== null && !isInvitedSession;
  const isMismatch =
    (isApiError(acceptError) && acceptError.code === "email_mismatch") ||
    (isOtherSession && !invitation.accountExists);

  let failure: ReactNode = null;
  if (isMismatch) {
    failure = (
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        message={`You are logged in as ${sessionEmail ?? "another account"}; this invitation is for ${invitation.email}. Log out and open the link again.`}
        description={
          <Button
            size="small"
            loading={logout.isPending}
            onClick={() => logout.mutate(undefined, { onSettled: onLoggedOut })}
            style={{ marginTop: 8 }}
          >
            Log out
          </Button>
        }
      />
    );
  } else if (accept.isError) {
    failure = (
      <Alert
        type="error"
        showIcon
        role="alert"
        style={{ marginBottom: 16 }}
        message={
          isApiError(acceptError) && acceptError.code === "invalid_credentials"
            ? `The password is not correct for ${invitation.email}.`
            : describeError(acceptError)
        }
      />
    );
  }

  let form: ReactNode;
  if (me.isPending) {
    form = <Skeleton active paragraph={{ rows: 2 }} />;
  } else if (isMismatch) {
    form = null;
  } else if (!invitation.accountExists) {
    form = (
      <>
        <Typography.Paragraph>Create your account for {invitation.email} to join.</Typography.Paragraph>
        <Form<SignUpForm>
          name="accept-invitation-sign-up"
          layout="vertical"
          requiredMark={false}
          onFinish={({ name, password }) => submit({ name: name.trim(), password })}
        >
          <Form.Item
            label="Name"
            name="name"
            rules={[
              { required: true, whitespace: true, message: "Enter your name" },
              { max: 200, message: "Use at most 200 characters" },
            ]}
          >
            <Input autoComplete="name" />
          </Form.Item>
          <NewPasswordFields
            name="password"
            confirmName="confirmPassword"
            label="Password"
            confirmLabel="Confirm password"
          />
          <AcceptButton isPending={accept.isPending} />
        </Form>
      </>
    );
  } else if (isInvitedSession) {
    form = (
      <Form name="accept-invitation-session" onFinish={() => submit({})}>
        <Typography.Paragraph>You are logged in as {sessionEmail}.</Typography.Paragraph>
        <AcceptButton isPending={accept.isPending} />
      </Form>
    );
  } else {
    form = (
      <>
        <Typography.Paragraph>
          {invitation.email} already has an account. Enter its password to accept.
          {sessionEmail !== null && ` You will be logged out of ${sessionEmail}.`}
        </Typography.Paragraph>
        <Form<{ password: string }>
          name="accept-invitation-password"
          layout="vertical"
          requiredMark={false}
          onFinish={({ password }) => submit({ password })}
        >
          <Form.Item
            label="Password"
            name="password"
            rules={[{ required: true, message: "Enter your password" }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <AcceptButton isPending={accept.isPending} />
        </Form>
      </>
    );
  }

  return (
    <>
      <Typography.Paragraph>
        You are invited to join <Typography.Text strong>{invitation.companyName}</Typography.Text> on the
        Merchant Portal.
      </Typography.Paragraph>
      <InvitationSummary invitation={invitation} />
      {failure}
      {form}
    </>
  );
}
