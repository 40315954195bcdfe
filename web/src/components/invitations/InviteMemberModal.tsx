// `Invite new member` (user guide §2): step 1 takes the email address and the role(s), each role's
// permissions shown on the right; step 2 confirms them with the terms box, then `Send Invitation`
// (the Email Verification window opens by itself when the session needs it). The email is checked as
// soon as it is typed: a member, a deactivated member (with `Reactivate` for who may) or a pending
// invitation (with `Resend it`) is said on step 1, not after the terms box; the send still decides.
// The merchant accounts the person will reach are chosen after the roles, on step 1 (SPEC §6.4), and
// the invitation mail's language last (the page's own by default), for a person without an account
// yet: one with an account gets it in the language they chose (SPEC §6.6).
import {
  Alert,
  App,
  Button,
  Checkbox,
  type CheckboxRef,
  Descriptions,
  Flex,
  Form,
  Input,
  type InputRef,
  Modal,
  Skeleton,
  Steps,
} from "antd";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import {
  useInvitationEmailCheck,
  useInviteBatch,
  useInviteMember,
  useResendInvitation,
} from "../../api/invitationQueries";
import { useReactivateMemberById } from "../../api/memberQueries";
import { usePermissionCatalogue, useRoles } from "../../api/queries";
import type { InvitationBatchResult, MemberScope } from "../../api/types";
import { currentLanguage, type Language } from "../../i18n";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { describeMemberChangeError } from "../members/describeMemberChangeError";
import { type RoleExpiryDraft, RoleExpiryFields, roleExpiriesOf } from "../members/RoleExpiryFields";
import {
  PermissionLabelList,
  permissionLabels,
  permissionsOfRoles,
  RolePicker,
  RoleTags,
} from "../members/RolePicker";
import { ALL_ACCOUNTS, isIncompleteScope, ScopePicker, ScopeText } from "../merchant-accounts/ScopePicker";
import { QueryErrorResult } from "../QueryErrorResult";
import { useCan } from "../useCan";
import { describeInvitationError } from "./describeInvitationError";
import { InvitationResultsTable, summarizeResults } from "./InvitationResultsTable";
import { MailLanguageSelect } from "./MailLanguageSelect";

/** The terms box's words, in the `invitations` catalogue. */
export const TERMS_KEY = "invite.terms";

const EMAIL_PATTERN = /^\s*[^\s@]+@[^\s@]+\s*$/;
/** How long typing pauses before the email is checked. */
const CHECK_DELAY_MS = 400;

/** The address to check once typing pauses on something that looks like an email, else null. */
function useSettledEmail(typed: string | undefined): string | null {
  const [settled, setSettled] = useState<string | null>(null);
  useEffect(() => {
    const email = typed?.trim() ?? "";
    if (!EMAIL_PATTERN.test(email)) {
      setSettled(null);
      return;
    }
    const timer = window.setTimeout(() => setSettled(email), CHECK_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [typed]);
  return settled;
}

/** At most this many people in one invitation (the server's batch limit). */
export const MAX_EMAILS_PER_INVITATION = 10;

interface InvitationDraft {
  email: string;
  /** The emails after the first (the dialog's "Add another email"), each sent with the same roles. */
  moreEmails?: string[];
  roleIds: string[];
  scope?: MemberScope;
  /** The invitation mail's language for an invitee without an account of their own. */
  language: Language;
}

interface ConfirmedDraft {
  emails: string[];
  roleIds: string[];
  scope: MemberScope;
  language: Language;
}

function InviteMemberSteps({ companyId, onDone }: { companyId: string; onDone: () => void }) {
  const { message } = App.useApp();
  const { t } = useTranslation("invitations");
  const labels = useCatalogueLabels();
  const roles = useRoles(companyId);
  const catalogue = usePermissionCatalogue();
  const invite = useInviteMember(companyId);
  const inviteBatch = useInviteBatch(companyId);
  const [batchResults, setBatchResults] = useState<InvitationBatchResult[] | null>(null);
  const resend = useResendInvitation(companyId);
  const [form] = Form.useForm<InvitationDraft>();
  const watchedRoleIds: string[] | undefined = Form.useWatch("roleIds", form);
  const [expiries, setExpiries] = useState<RoleExpiryDraft>({});
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<ConfirmedDraft | null>(null);
  const [isTermsAccepted, setIsTermsAccepted] = useState(false);
  const [failure, setFailure] = useState<{ message: string; pendingInvitationId: string | null } | null>(
    null,
  );
  const termsBox = useRef<CheckboxRef>(null);
  const emailInput = useRef<InputRef>(null);
  // Next and Back vanish with their step; the focus moves on to the step shown, or it would fall
  // out of the dialog onto the page behind it.
  const isStepShown = useRef(false);
  useEffect(() => {
    if (!isStepShown.current) {
      isStepShown.current = true;
      return;
    }
    if (step === 1) termsBox.current?.focus();
    else emailInput.current?.focus();
  }, [step]);
  const typedEmail = Form.useWatch("email", form);
  const checkedEmail = useSettledEmail(typedEmail);
  const emailCheck = useInvitationEmailCheck(companyId, checkedEmail);
  const canReactivate = useCan("members.deactivate");
  const reactivate = useReactivateMemberById(companyId);
  // Only an answer about what the field holds now counts.
  const standing =
    emailCheck.data !== undefined &&
    emailCheck.data.standing !== "invitable" &&
    checkedEmail !== null &&
    checkedEmail === typedEmail?.trim()
      ? emailCheck.data
      : null;

  if (roles.isError || catalogue.isError) {
    return (
      <QueryErrorResult
        error={roles.error ?? catalogue.error}
        onRetry={() => {
          void roles.refetch();
          void catalogue.refetch();
        }}
      />
    );
  }
  if (roles.isPending || catalogue.isPending) return <Skeleton active />;
  const allRoles = roles.data.items;

  const next = async () => {
    if (standing !== null) return;
    try {
      const values = await form.validateFields();
      const more = (values.moreEmails ?? []).map((email) => email.trim()).filter((email) => email !== "");
      setDraft({
        emails: [values.email.trim(), ...more],
        roleIds: values.roleIds,
        scope: values.scope ?? ALL_ACCOUNTS,
        language: values.language,
      });
      setFailure(null);
      setStep(1);
    } catch {
      // The form shows what is missing.
    }
  };

  const send = () => {
    if (draft === null || !isTermsAccepted) return;
    setFailure(null);
    if (draft.emails.length > 1) {
      inviteBatch.mutate(
        {
          emails: draft.emails,
          roleIds: draft.roleIds,
          roleExpiries: roleExpiriesOf(draft.roleIds, expiries),
          acceptTerms: true,
          ...(draft.scope.kind === "restricted" ? { scope: draft.scope } : {}),
          language: draft.language,
        },
        {
          onSuccess: ({ results }) => {
            void message.success(t("invite.sentBatch", { summary: summarizeResults(results, t) }));
            setBatchResults(results);
          },
          onError: (error) =>
            setFailure({ message: describeInvitationError(error), pendingInvitationId: null }),
        },
      );
      return;
    }
    invite.mutate(
      {
        email: draft.emails[0] ?? "",
        roleIds: draft.roleIds,
        roleExpiries: roleExpiriesOf(draft.roleIds, expiries),
        acceptTerms: true,
        // Without a scope the server gives all accounts, so only a restriction is sent.
        ...(draft.scope.kind === "restricted" ? { scope: draft.scope } : {}),
        language: draft.language,
      },
      {
        onSuccess: () => {
          void message.success(t("invite.sent"));
          onDone();
        },
        onError: (error) => {
          const pendingId =
            isApiError(error) &&
            error.code === "invitation_pending" &&
            typeof error.details.invitationId === "string"
              ? error.details.invitationId
              : null;
          setFailure({ message: describeInvitationError(error), pendingInvitationId: pendingId });
        },
      },
    );
  };

  const resendPending = (invitationId: string) => {
    resend.mutate(invitationId, {
      onSuccess: () => {
        void message.success(t("invite.resent"));
        onDone();
      },
      onError: (error) => setFailure({ message: describeInvitationError(error), pendingInvitationId: null }),
    });
  };

  const reactivateMember = (memberId: string, email: string) => {
    reactivate.mutate(memberId, {
      onSuccess: () => {
        void message.success(t("invite.reactivated", { email }));
        onDone();
      },
      onError: (error) =>
        setFailure({ message: describeMemberChangeError(error), pendingInvitationId: null }),
    });
  };

  const standingNotice = (() => {
    if (standing === null) return null;
    switch (standing.standing) {
      case "active_member":
        return { message: t("invite.alreadyMember", { email: standing.email }), action: null };
      case "deactivated_member":
        return {
          message: t("invite.deactivatedMember", { email: standing.email }),
          description: canReactivate ? t("invite.reactivateInstead") : t("invite.askToReactivate"),
          action:
            canReactivate && standing.memberId !== undefined ? (
              <Button
                size="small"
                loading={reactivate.isPending}
                onClick={() => standing.memberId && reactivateMember(standing.memberId, standing.email)}
              >
                {t("invite.reactivate")}
              </Button>
            ) : null,
        };
      case "domain_not_allowed":
        return {
          message: t("invite.domainNotAllowed", {
            email: standing.email,
            domains: (standing.allowedDomains ?? []).join(t("invite.emailSeparator")),
          }),
          action: null,
        };
      case "invitation_pending":
        return {
          message: t("invite.alreadyPending", { email: standing.email }),
          description: t("invite.resendHint"),
          action:
            standing.invitationId !== undefined ? (
              <Button
                size="small"
                loading={resend.isPending}
                onClick={() => standing.invitationId && resendPending(standing.invitationId)}
              >
                {t("invite.resendIt")}
              </Button>
            ) : null,
        };
      default:
        return null;
    }
  })();

  const chosenRoles = allRoles.filter((role) => draft?.roleIds.includes(role.id));

  if (batchResults !== null) {
    return (
      <>
        <InvitationResultsTable results={batchResults} caption={t("invite.resultsCaption")} />
        <Flex justify="flex-end" style={{ marginTop: 24 }}>
          <Button type="primary" onClick={onDone}>
            {t("invite.done")}
          </Button>
        </Flex>
      </>
    );
  }

  return (
    <>
      <Steps
        size="small"
        current={step}
        items={[{ title: t("invite.stepEmailAndRoles") }, { title: t("invite.stepConfirm") }]}
        style={{ marginBottom: 24 }}
      />
      {/* Kept mounted on step 2, so Back returns to what was typed. */}
      <Form<InvitationDraft>
        form={form}
        name="invite-member"
        layout="vertical"
        requiredMark={false}
        initialValues={{ email: "", roleIds: [], scope: ALL_ACCOUNTS, language: currentLanguage() }}
        onFinish={() => void next()}
        style={{ display: step === 0 ? undefined : "none" }}
      >
        <Form.Item
          label={t("invite.emailAddress")}
          name="email"
          rules={[
            { required: true, whitespace: true, message: t("invite.emailRequired") },
            { pattern: EMAIL_PATTERN, message: t("invite.emailInvalid") },
          ]}
        >
          <Input
            ref={emailInput}
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
            maxLength={320}
            autoFocus
          />
        </Form.Item>
        {standingNotice !== null && (
          <Alert
            type="warning"
            showIcon
            role="status"
            message={standingNotice.message}
            description={standingNotice.description}
            action={standingNotice.action}
            style={{ marginTop: -8, marginBottom: 16 }}
          />
        )}
        <Form.List name="moreEmails">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Form.Item
                  key={field.key}
                  label={t("invite.emailAddressNumbered", { number: index + 2 })}
                  required={false}
                >
                  <Flex gap="small">
                    <Form.Item
                      name={field.name}
                      noStyle
                      validateTrigger={["onChange", "onBlur"]}
                      rules={[
                        {
                          required: true,
                          whitespace: true,
                          message: t("invite.moreEmailRequired"),
                        },
                        { pattern: EMAIL_PATTERN, message: t("invite.emailInvalid") },
                      ]}
                    >
                      <Input
                        aria-label={t("invite.emailAddressNumbered", { number: index + 2 })}
                        inputMode="email"
                        autoComplete="off"
                        spellCheck={false}
                        maxLength={320}
                      />
                    </Form.Item>
                    <Button
                      onClick={() => remove(field.name)}
                      aria-label={t("invite.removeEmailAddress", { number: index + 2 })}
                    >
                      {t("invite.remove")}
                    </Button>
                  </Flex>
                </Form.Item>
              ))}
              {fields.length + 1 < MAX_EMAILS_PER_INVITATION && (
                <Form.Item>
                  <Button type="dashed" onClick={() => add("")}>
                    {t("invite.addAnotherEmail")}
                  </Button>
                </Form.Item>
              )}
            </>
          )}
        </Form.List>
        <Form.Item
          label={t("invite.role")}
          name="roleIds"
          extra={t("invite.roleExtra")}
          rules={[{ required: true, type: "array", min: 1, message: t("invite.roleRequired") }]}
        >
          <RolePicker roles={allRoles} catalogue={catalogue.data.items} />
        </Form.Item>
        <RoleExpiryFields
          roles={allRoles.filter((role) => (watchedRoleIds ?? []).includes(role.id))}
          value={expiries}
          onChange={setExpiries}
        />
        <Form.Item
          name="scope"
          rules={[
            {
              validator: (_rule, value: MemberScope | undefined) =>
                value !== undefined && isIncompleteScope(value)
                  ? Promise.reject(new Error(t("invite.scopeRequired")))
                  : Promise.resolve(),
            },
          ]}
        >
          <ScopePicker companyId={companyId} />
        </Form.Item>
        <Form.Item label={t("invite.mailLanguage")} name="language" extra={t("invite.mailLanguageExtra")}>
          <MailLanguageSelect />
        </Form.Item>
      </Form>
      {step === 1 && draft !== null && (
        <>
          <Descriptions
            bordered
            column={1}
            size="small"
            items={[
              {
                key: "email",
                label: draft.emails.length > 1 ? t("invite.emailAddresses") : t("invite.emailAddress"),
                children: draft.emails.join(t("invite.emailSeparator")),
              },
              {
                key: "roles",
                label: t("invite.roles"),
                children: (
                  <RoleTags
                    roles={chosenRoles.map((role) =>
                      expiries[role.id] ? { ...role, expiresAt: expiries[role.id] } : role,
                    )}
                  />
                ),
              },
              {
                key: "scope",
                label: t("invite.merchantAccounts"),
                children: <ScopeText companyId={companyId} scope={draft.scope} />,
              },
              {
                key: "permissions",
                label: t("invite.permissions"),
                children: (
                  <PermissionLabelList
                    labels={permissionLabels(
                      permissionsOfRoles(draft.roleIds, allRoles),
                      catalogue.data.items,
                      labels.permissionLabel,
                    )}
                  />
                ),
              },
            ]}
          />
          <Checkbox
            ref={termsBox}
            checked={isTermsAccepted}
            onChange={(event) => setIsTermsAccepted(event.target.checked)}
            style={{ marginTop: 16 }}
          >
            {t(TERMS_KEY)}
          </Checkbox>
        </>
      )}
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          role="alert"
          message={failure.message}
          style={{ marginTop: 16 }}
          action={
            failure.pendingInvitationId !== null && (
              <Button
                size="small"
                loading={resend.isPending}
                onClick={() => failure.pendingInvitationId && resendPending(failure.pendingInvitationId)}
              >
                {t("invite.resendIt")}
              </Button>
            )
          }
        />
      )}
      <Flex justify="flex-end" gap="small" style={{ marginTop: 24 }}>
        {step === 0 ? (
          <>
            <Button onClick={onDone}>{t("invite.cancel")}</Button>
            <Button type="primary" onClick={() => void next()} disabled={standing !== null}>
              {t("invite.next")}
            </Button>
          </>
        ) : (
          <>
            <Button
              onClick={() => {
                // What is confirmed may change: the box is ticked again for the new choice.
                setIsTermsAccepted(false);
                setStep(0);
              }}
              disabled={invite.isPending || inviteBatch.isPending}
            >
              {t("invite.back")}
            </Button>
            <Button
              type="primary"
              onClick={send}
              disabled={!isTermsAccepted}
              loading={invite.isPending || inviteBatch.isPending}
              aria-label={t("invite.sendInvitation")}
            >
              {t("invite.sendInvitation")}
            </Button>
          </>
        )}
      </Flex>
    </>
  );
}

export function InviteMemberModal({
  companyId,
  open,
  onClose,
}: {
  companyId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation("invitations");
  return (
    <Modal
      title={t("invite.title")}
      open={open}
      onCancel={onClose}
      footer={null}
      width="min(760px, calc(100vw - 16px))"
      destroyOnHidden
      maskClosable={false}
    >
      {/* Gone as the window starts closing, so its rows never double the invitation list's. */}
      {open && <InviteMemberSteps companyId={companyId} onDone={onClose} />}
    </Modal>
  );
}
