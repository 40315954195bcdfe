// What an invitation link offers and how its holder accepts it (SPEC rule 8): a new person sets a name
// and password; an existing account accepts with its session (logged in as the invited email) or with
// its password. Another logged-in account is told to log out; a dead link gets a clear result.

import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Descriptions, Form, Input, Skeleton, Typography } from "antd";
import type { ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
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
  const { t } = useTranslation("invitations");
  return (
    <Button type="primary" htmlType="submit" block loading={isPending} aria-label={t("accept.accept")}>
      {t("accept.accept")}
    </Button>
  );
}

function InvitationSummary({ invitation }: { invitation: PublicInvitation }) {
  const { t } = useTranslation("invitations");
  return (
    <Descriptions
      column={1}
      size="small"
      style={{ marginBottom: 16 }}
      items={[
        { key: "email", label: t("accept.invitedEmail"), children: invitation.email },
        {
          key: "invitedBy",
          label: t("accept.invitedBy"),
          children:
            invitation.invitedBy === null
              ? t("accept.administrators")
              : t("accept.invitedByValue", {
                  name: invitation.invitedBy.name,
                  email: invitation.invitedBy.email,
                }),
        },
        { key: "roles", label: t("accept.roles"), children: <RoleTags roles={invitation.roles} /> },
        { key: "expiresAt", label: t("accept.expires"), children: formatDateTime(invitation.expiresAt) },
      ]}
    />
  );
}

export function AcceptInvitationPanel({ token, onLoggedOut }: { token: string; onLoggedOut: () => void }) {
  const { t } = useTranslation("invitations");
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
        message={t("accept.couldNotLoad")}
        description={describeError(error)}
        action={
          <Button size="small" onClick={() => link.refetch()}>
            {t("accept.retry")}
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
        message={t("accept.mismatch", {
          sessionEmail: sessionEmail ?? t("accept.anotherAccount"),
          email: invitation.email,
        })}
        description={
          <Button
            size="small"
            loading={logout.isPending}
            onClick={() => logout.mutate(undefined, { onSettled: onLoggedOut })}
            style={{ marginTop: 8 }}
          >
            {t("accept.logOut")}
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
            ? t("accept.wrongPassword", { email: invitation.email })
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
        <Typography.Paragraph>{t("accept.createAccount", { email: invitation.email })}</Typography.Paragraph>
        <Form<SignUpForm>
          name="accept-invitation-sign-up"
          layout="vertical"
          requiredMark={false}
          onFinish={({ name, password }) => submit({ name: name.trim(), password })}
        >
          <Form.Item
            label={t("accept.name")}
            name="name"
            rules={[
              { required: true, whitespace: true, message: t("accept.nameRequired") },
              { max: 200, message: t("accept.nameTooLong") },
            ]}
          >
            <Input autoComplete="name" />
          </Form.Item>
          <NewPasswordFields
            name="password"
            confirmName="confirmPassword"
            label={t("accept.password")}
            confirmLabel={t("accept.confirmPassword")}
          />
          <AcceptButton isPending={accept.isPending} />
        </Form>
      </>
    );
  } else if (isInvitedSession) {
    form = (
      <Form name="accept-invitation-session" onFinish={() => submit({})}>
        <Typography.Paragraph>{t("accept.loggedInAs", { email: sessionEmail })}</Typography.Paragraph>
        <AcceptButton isPending={accept.isPending} />
      </Form>
    );
  } else {
    form = (
      <>
        <Typography.Paragraph>
          {sessionEmail !== null
            ? t("accept.hasAccountLoggedIn", { email: invitation.email, sessionEmail })
            : t("accept.hasAccount", { email: invitation.email })}
        </Typography.Paragraph>
        <Form<{ password: string }>
          name="accept-invitation-password"
          layout="vertical"
          requiredMark={false}
          onFinish={({ password }) => submit({ password })}
        >
          <Form.Item
            label={t("accept.password")}
            name="password"
            rules={[{ required: true, message: t("accept.passwordRequired") }]}
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
        <Trans
          t={t}
          i18nKey="accept.invitedTo"
          values={{ company: invitation.companyName }}
          components={{ strong: <Typography.Text strong /> }}
        />
      </Typography.Paragraph>
      <InvitationSummary invitation={invitation} />
      {failure}
      {form}
    </>
  );
}
