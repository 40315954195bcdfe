// `Change Role` (user guide §4): step 1 selects the new role(s) with their permissions beside them,
// step 2 confirms the member's information; `Confirm` saves (after Email Verification if needed).
// The merchant accounts the member reaches are chosen after the roles, on step 1 (SPEC §6.4).
import { Alert, App, Button, Descriptions, Flex, Modal, Skeleton, Steps, Typography } from "antd";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useChangeMemberRoles } from "../../api/memberQueries";
import { usePermissionCatalogue, useRoles } from "../../api/queries";
import type { Member, MemberScope } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { isIncompleteScope, isSameScope, ScopePicker, ScopeText } from "../merchant-accounts/ScopePicker";
import { QueryErrorResult } from "../QueryErrorResult";
import { currentMemberOfConflict, describeMemberChangeError } from "./describeMemberChangeError";
import { type RoleExpiryDraft, RoleExpiryFields, roleExpiriesOf } from "./RoleExpiryFields";
import {
  PermissionLabelList,
  permissionLabels,
  permissionsOfRoles,
  RolePicker,
  RoleTags,
} from "./RolePicker";

function isSameSet(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((id) => right.includes(id));
}

function expiryDraftOf(member: Member): RoleExpiryDraft {
  return Object.fromEntries(
    member.roles.flatMap((role) => (role.expiresAt ? [[role.id, role.expiresAt]] : [])),
  );
}

function isSameDraft(left: RoleExpiryDraft, right: RoleExpiryDraft, roleIds: readonly string[]): boolean {
  return roleIds.every(
    (id) => (left[id] ? Date.parse(left[id]) : null) === (right[id] ? Date.parse(right[id]) : null),
  );
}

function ChangeRoleSteps({
  companyId,
  member,
  changeRoles,
  onConflict,
  onDone,
}: {
  companyId: string;
  member: Member;
  /** Owned by the window, which stays open while it runs. */
  changeRoles: ReturnType<typeof useChangeMemberRoles>;
  onConflict: (current: Member) => void;
  onDone: () => void;
}) {
  const { message } = App.useApp();
  const { t } = useTranslation("members");
  const labels = useCatalogueLabels();
  const roles = useRoles(companyId);
  const catalogue = usePermissionCatalogue();
  const currentRoleIds = member.roles.map((role) => role.id);
  const [step, setStep] = useState(0);
  const [roleIds, setRoleIds] = useState<string[]>(currentRoleIds);
  const [scope, setScope] = useState<MemberScope>(member.scope);
  const isScopeChanged = !isSameScope(scope, member.scope);
  const [expiries, setExpiries] = useState<RoleExpiryDraft>(() => expiryDraftOf(member));
  const [hint, setHint] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  if (roles.isError || catalogue.isError) {
    const error = roles.error ?? catalogue.error;
    return (
      <QueryErrorResult
        error={error}
        onRetry={() => {
          void roles.refetch();
          void catalogue.refetch();
        }}
      />
    );
  }
  if (roles.isPending || catalogue.isPending) return <Skeleton active />;

  const allRoles = roles.data.items;
  const newRoles = allRoles.filter((role) => roleIds.includes(role.id));

  const next = () => {
    if (roleIds.length === 0) return setHint(t("changeRole.hintNoRole"));
    if (isIncompleteScope(scope)) return setHint(t("changeRole.hintNoAccount"));
    if (
      isSameSet(roleIds, currentRoleIds) &&
      !isScopeChanged &&
      isSameDraft(expiries, expiryDraftOf(member), roleIds)
    ) {
      return setHint(t("changeRole.hintUnchanged"));
    }
    setHint(null);
    setFailure(null);
    setStep(1);
  };

  const confirm = () => {
    setFailure(null);
    // mutateAsync: the outcome of this very call, whatever happens to the window meanwhile.
    // The scope is sent only when it changes: sending it as it is would grant nothing anyway.
    const request = {
      roleIds,
      roleExpiries: roleExpiriesOf(roleIds, expiries),
      version: member.version,
      ...(isScopeChanged ? { scope } : {}),
    };
    void changeRoles.mutateAsync({ memberId: member.id, request }).then(
      () => {
        void message.success(t("changeRole.saved"));
        onDone();
      },
      (error: unknown) => {
        setFailure(describeMemberChangeError(error));
        // The member changed meanwhile. The refusal carries them as they are now, also when the list
        // no longer shows them: this step then shows their current roles beside the new ones, and the
        // next Confirm is made on their current version.
        const current = currentMemberOfConflict(error);
        if (current !== null) onConflict(current);
      },
    );
  };

  return (
    <>
      <Steps
        size="small"
        current={step}
        items={[{ title: t("changeRole.stepSelect") }, { title: t("changeRole.stepConfirm") }]}
        style={{ marginBottom: 24 }}
      />
      {step === 0 ? (
        <>
          <Typography.Paragraph>
            <Trans
              t={t}
              i18nKey="changeRole.selectFor"
              values={{ email: member.email }}
              components={{ strong: <Typography.Text strong /> }}
            />
          </Typography.Paragraph>
          <RolePicker
            roles={allRoles}
            catalogue={catalogue.data.items}
            value={roleIds}
            onChange={(next) => {
              setRoleIds(next);
              setHint(null);
            }}
          />
          <RoleExpiryFields roles={newRoles} value={expiries} onChange={setExpiries} />
          <div style={{ marginTop: 16 }}>
            <ScopePicker
              companyId={companyId}
              value={scope}
              onChange={(next) => {
                setScope(next);
                setHint(null);
              }}
            />
          </div>
          {hint !== null && (
            <Alert type="warning" showIcon message={hint} style={{ marginTop: 16 }} role="alert" />
          )}
        </>
      ) : (
        <Descriptions
          bordered
          column={1}
          size="small"
          items={[
            { key: "email", label: t("changeRole.email"), children: member.email },
            { key: "name", label: t("changeRole.name"), children: member.name },
            {
              key: "current",
              label: t("changeRole.currentRoles"),
              children: <RoleTags roles={member.roles} />,
            },
            {
              key: "new",
              label: t("changeRole.newRoles"),
              children: (
                <RoleTags
                  roles={newRoles.map((role) =>
                    expiries[role.id] ? { ...role, expiresAt: expiries[role.id] } : role,
                  )}
                />
              ),
            },
            {
              key: "scope",
              label: isScopeChanged ? t("changeRole.newMerchantAccounts") : t("changeRole.merchantAccounts"),
              children: <ScopeText companyId={companyId} scope={scope} />,
            },
            {
              key: "permissions",
              label: t("changeRole.newPermissions"),
              children: (
                <PermissionLabelList
                  labels={permissionLabels(
                    permissionsOfRoles(roleIds, allRoles),
                    catalogue.data.items,
                    labels.permissionLabel,
                  )}
                />
              ),
            },
          ]}
        />
      )}
      {failure !== null && (
        <Alert type="error" showIcon message={failure} style={{ marginTop: 16 }} role="alert" />
      )}
      <Flex justify="flex-end" gap="small" style={{ marginTop: 24 }}>
        {step === 0 ? (
          <>
            <Button onClick={onDone}>{t("changeRole.cancel")}</Button>
            <Button type="primary" onClick={next}>
              {t("changeRole.next")}
            </Button>
          </>
        ) : (
          <>
            <Button onClick={() => setStep(0)} disabled={changeRoles.isPending}>
              {t("changeRole.back")}
            </Button>
            <Button
              type="primary"
              onClick={confirm}
              loading={changeRoles.isPending}
              aria-label={t("changeRole.confirm")}
            >
              {t("changeRole.confirm")}
            </Button>
          </>
        )}
      </Flex>
    </>
  );
}

/**
 * Open while `member` is set; `member` should be the newest copy known (the list's, or the one a
 * conflict told of through `onConflict`), so the change is made on its version.
 */
export function ChangeRoleModal({
  companyId,
  member,
  onConflict,
  onClose,
}: {
  companyId: string;
  member: Member | null;
  onConflict: (current: Member) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation("members");
  const changeRoles = useChangeMemberRoles(companyId);
  const isSaving = changeRoles.isPending;
  // Not while saving: the outcome is told in this window, and the admin should see it.
  const close = () => {
    if (!isSaving) onClose();
  };

  return (
    <Modal
      title={t("changeRole.title")}
      open={member !== null}
      onCancel={close}
      closable={{ disabled: isSaving }}
      keyboard={!isSaving}
      footer={null}
      width="min(760px, calc(100vw - 16px))"
      destroyOnHidden
      maskClosable={false}
    >
      {/* Gone as the window starts closing, so its rows never double the member list's. */}
      {member !== null && (
        <ChangeRoleSteps
          key={member.id}
          companyId={companyId}
          member={member}
          changeRoles={changeRoles}
          onConflict={onConflict}
          onDone={onClose}
        />
      )}
    </Modal>
  );
}
