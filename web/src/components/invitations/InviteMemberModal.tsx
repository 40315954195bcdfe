// `Invite new member` (user guide §2): step 1 takes the email address and the role(s), each role's
// permissions shown on the right; step 2 confirms them with the terms box, then `Send Invitation`
// (the Email Verification window opens by itself when the session needs it). The email is checked as
// soon as it is typed: a member, a deactivated member (with `Reactivate` for who may) or a pending
// invitation (with `Resend it`) is said on step 1, not after the terms box; the send still decides.
// The merchant accounts the person will reach are chosen after the roles, on step 1 (SPEC §6.4).
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

export const TERMS_LABEL = "I confirm this person may access the company's data under the merchant terms";

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
}

interface ConfirmedDraft {
  emails: string[];
  roleIds: string[];
  scope: MemberScope;
}

function InviteMemberSteps({ companyId, onDone }: { companyId: string; onDone: () => void }) {
  const { message } = App.useApp();
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
        },
        {
          onSuccess: ({ results }) => {
            void message.success(`Invitations: ${summarizeResults(results)}`);
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
      },
      {
        onSuccess: () => {
          void message.success("The invitation was sent successfully");
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
        void message.success("Invitation resent");
        onDone();
      },
      onError: (error) => setFailure({ message: describeInvitationError(error), pendingInvitationId: null }),
    });
  };

  const reactivateMember = (memberId: string, email: string) => {
    reactivate.mutate(memberId, {
      onSuccess: () => {
        void message.success(`${email} has been reactivated`);
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
        return { message: `${standing.email} is already a member of this company.`, action: null };
      case "deactivated_member":
        return {
          message: `${standing.email} is a deactivated member of this company.`,
          description: canReactivate
            ? "Reactivate them instead of inviting them again."
            : "Ask someone who may deactivate members to reactivate them.",
          action:
            canReactivate && standing.memberId !== undefined ? (
              <Button
                size="small"
                loading={reactivate.isPending}
                onClick={() => standing.memberId && reactivateMember(standing.memberId, standing.email)}
              >
                Reactivate
              </Button>
            ) : null,
        };
      case "domain_not_allowed":
        return {
          message: `${standing.email} cannot be invited: this company only invites emails at ${(standing.allowedDomains ?? []).join(", ")}.`,
          action: null,
        };
      case "invitation_pending":
        return {
          message: `An invitation to ${standing.email} is already pending.`,
          description: "Resend it to mail a new link; the previous link stops working.",
          action:
            standing.invitationId !== undefined ? (
              <Button
                size="small"
                loading={resend.isPending}
                onClick={() => standing.invitationId && resendPending(standing.invitationId)}
              >
                Resend it
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
        <InvitationResultsTable results={batchResults} caption="Invitation results" />
        <Flex justify="flex-end" style={{ marginTop: 24 }}>
          <Button type="primary" onClick={onDone}>
            Done
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
        items={[{ title: "Email and roles" }, { title: "Confirm and send" }]}
        style={{ marginBottom: 24 }}
      />
      {/* Kept mounted on step 2, so Back returns to what was typed. */}
      <Form<InvitationDraft>
        form={form}
        name="invite-member"
        layout="vertical"
        requiredMark={false}
        initialValues={{ email: "", roleIds: [], scope: ALL_ACCOUNTS }}
        onFinish={() => void next()}
        style={{ display: step === 0 ? undefined : "none" }}
      >
        <Form.Item
          label="Email address"
          name="email"
          rules={[
            { required: true, whitespace: true, message: "Enter the email address of the person to invite" },
            { pattern: EMAIL_PATTERN, message: "Enter a valid email address" },
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
                <Form.Item key={field.key} label={`Email address ${index + 2}`} required={false}>
                  <Flex gap="small">
                    <Form.Item
                      name={field.name}
                      noStyle
                      validateTrigger={["onChange", "onBlur"]}
                      rules={[
                        {
                          required: true,
                          whitespace: true,
                          message: "Enter an email address or remove the field",
                        },
                        { pattern: EMAIL_PATTERN, message: "Enter a valid email address" },
                      ]}
                    >
                      <Input
                        aria-label={`Email address ${index + 2}`}
                        inputMode="email"
                        autoComplete="off"
                        spellCheck={false}
                        maxLength={320}
                      />
                    </Form.Item>
                    <Button
                      onClick={() => remove(field.name)}
                      aria-label={`Remove email address ${index + 2}`}
                    >
                      Remove
                    </Button>
                  </Flex>
                </Form.Item>
              ))}
              {fields.length + 1 < MAX_EMAILS_PER_INVITATION && (
                <Form.Item>
                  <Button type="dashed" onClick={() => add("")}>
                    Add another email
                  </Button>
                </Form.Item>
              )}
            </>
          )}
        </Form.List>
        <Form.Item
          label="Role"
          name="roleIds"
          extra="A member may hold several roles; their permissions add up."
          rules={[{ required: true, type: "array", min: 1, message: "Select at least one role" }]}
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
                  ? Promise.reject(new Error("Choose at least one merchant account"))
                  : Promise.resolve(),
            },
          ]}
        >
          <ScopePicker companyId={companyId} />
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
                label: draft.emails.length > 1 ? "Email addresses" : "Email address",
                children: draft.emails.join(", "),
              },
              {
                key: "roles",
                label: "Roles",
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
                label: "Merchant accounts",
                children: <ScopeText companyId={companyId} scope={draft.scope} />,
              },
              {
                key: "permissions",
                label: "Permissions",
                children: (
                  <PermissionLabelList
                    labels={permissionLabels(
                      permissionsOfRoles(draft.roleIds, allRoles),
                      catalogue.data.items,
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
            {TERMS_LABEL}
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
                Resend it
              </Button>
            )
          }
        />
      )}
      <Flex justify="flex-end" gap="small" style={{ marginTop: 24 }}>
        {step === 0 ? (
          <>
            <Button onClick={onDone}>Cancel</Button>
            <Button type="primary" onClick={() => void next()} disabled={standing !== null}>
              Next
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
              Back
            </Button>
            <Button
              type="primary"
              onClick={send}
              disabled={!isTermsAccepted}
              loading={invite.isPending || inviteBatch.isPending}
              aria-label="Send Invitation"
            >
              Send Invitation
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
  return (
    <Modal
      title="Invite new member"
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
