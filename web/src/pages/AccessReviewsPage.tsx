// Access reviews (PCI DSS 7.2.4, SPEC §6.4): start one, decide keep / change / deactivate for each
// member (their roles, last activity and second factor beside), complete it, download the attestation.

import { Alert, App, Button, Empty, Flex, Select, Skeleton, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  useAccessReview,
  useAccessReviews,
  useCompleteAccessReview,
  useDecideAccessReview,
  useStartAccessReview,
} from "../api/accessReviewQueries";
import { useRoles } from "../api/queries";
import type { AccessReview, AccessReviewItem } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { DownloadLink } from "../components/DownloadLink";
import { describeError } from "../components/errorMessages";
import { formatDate, formatInstant } from "../components/formatDateTime";
import { Instant } from "../components/Instant";
import { RoleTags } from "../components/members/RolePicker";
import { ScopeText } from "../components/merchant-accounts/ScopePicker";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { useCatalogueLabels } from "../i18n/catalogueLabels";

const DECISIONS = ["keep", "change", "deactivate"] as const;

const OUTCOMES = new Set([
  "applied",
  "kept",
  "unchanged",
  "last_admin",
  "self_modification",
  "grant_exceeds_own",
]);

/** What became of a decision: applied, kept, or the rule that refused it. */
function outcomeText(t: (key: string) => string, outcome: string): string {
  return t(`outcomes.${OUTCOMES.has(outcome) ? outcome : "other"}`);
}

/** A completion that stopped before every decision was applied (completing again finishes it). */
export function isCompletionUnfinished(review: AccessReview): boolean {
  return (
    review.status === "completed" &&
    review.items.some((item) => item.decision !== null && item.outcome === null)
  );
}

function DecisionCell({
  companyId,
  review,
  item,
}: {
  companyId: string;
  review: AccessReview;
  item: AccessReviewItem;
}) {
  const { t } = useTranslation("accessReviews");
  const labels = useCatalogueLabels();
  const { message } = App.useApp();
  const roles = useRoles(companyId);
  const decide = useDecideAccessReview(companyId, review.id);
  const [decision, setDecision] = useState(item.decision);
  const [roleIds, setRoleIds] = useState<string[]>(item.roleIds ?? item.roles.map((role) => role.id));
  const isOpen = review.status === "open";
  const label = t("decisionFor", { email: item.email });

  const save = (next: NonNullable<AccessReviewItem["decision"]>, nextRoleIds: string[]) => {
    decide.mutate(
      {
        memberId: item.memberId,
        decision: next === "change" ? { decision: next, roleIds: nextRoleIds } : { decision: next },
      },
      { onError: (error) => void message.error(describeError(error)) },
    );
  };

  if (!isOpen) {
    return (
      <Space direction="vertical" size={0}>
        <span>{item.decision === null ? t("undecided") : t(`decisions.${item.decision}`)}</span>
        {item.outcome && <Typography.Text type="secondary">{outcomeText(t, item.outcome)}</Typography.Text>}
      </Space>
    );
  }
  return (
    <Space direction="vertical" size="small" style={{ minWidth: 200 }}>
      <Select
        aria-label={label}
        placeholder={t("decide")}
        value={decision ?? undefined}
        options={DECISIONS.map((value) => ({ value, label: t(`decisions.${value}`) }))}
        onChange={(next) => {
          setDecision(next);
          save(next, roleIds);
        }}
        style={{ width: "100%" }}
      />
      {decision === "change" && (
        <Select
          mode="multiple"
          aria-label={t("newRolesFor", { email: item.email })}
          value={roleIds}
          options={(roles.data?.items ?? []).map((role) => ({
            value: role.id,
            label: labels.roleName(role),
          }))}
          onChange={(next: string[]) => {
            setRoleIds(next);
            if (next.length > 0) save("change", next);
          }}
          style={{ width: "100%" }}
        />
      )}
    </Space>
  );
}

function ReviewTable({ companyId, reviewId }: { companyId: string; reviewId: string }) {
  const { t } = useTranslation("accessReviews");
  const { message } = App.useApp();
  const review = useAccessReview(companyId, reviewId);
  const complete = useCompleteAccessReview(companyId, reviewId);
  if (review.isError) return <QueryErrorResult error={review.error} onRetry={() => review.refetch()} />;
  if (review.data === undefined) return <Skeleton active />;
  const data = review.data;
  const unfinished = isCompletionUnfinished(data);
  return (
    <section aria-labelledby="review-title" style={{ marginTop: 24 }}>
      <SectionTitle id="review-title">
        {t("reviewStarted", { time: formatInstant(data.startedAt) })}
      </SectionTitle>
      {unfinished && (
        <Alert type="warning" showIcon message={t("unfinishedAlert")} style={{ marginBottom: 16 }} />
      )}
      <Flex gap="small" wrap style={{ marginBottom: 16 }}>
        {data.status === "open" || unfinished ? (
          <Button
            type="primary"
            loading={complete.isPending}
            onClick={() =>
              complete.mutate(undefined, {
                onSuccess: () => void message.success(t("completed")),
                onError: (error) => void message.error(describeError(error)),
              })
            }
          >
            {unfinished ? t("finishCompleting") : t("completeReview")}
          </Button>
        ) : (
          <Tag color="success">{t("completedTag")}</Tag>
        )}
        <DownloadLink
          href={`/api/companies/${companyId}/access-reviews/${reviewId}/report`}
          description={t("downloadAttestation")}
          permission="security.manage"
        />
      </Flex>
      <Table<AccessReviewItem>
        rowKey="memberId"
        dataSource={data.items}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            key: "email",
            title: t("member"),
            render: (_, item) => (
              <span>
                {item.name ? t("memberWithEmail", { name: item.name, email: item.email }) : item.email}
              </span>
            ),
          },
          {
            key: "status",
            title: t("status"),
            render: (_, item) => t(`memberStatuses.${item.status}`, { defaultValue: item.status }),
          },
          { key: "roles", title: t("roles"), render: (_, item) => <RoleTags roles={item.roles} /> },
          {
            key: "scope",
            title: t("merchantAccounts"),
            render: (_, item) => <ScopeText companyId={companyId} scope={item.scope} />,
          },
          {
            key: "lastActive",
            title: t("lastActive"),
            render: (_, item) => (item.lastActiveAt ? <Instant iso={item.lastActiveAt} /> : t("never")),
          },
          {
            key: "factor",
            title: t("twoFactor"),
            render: (_, item) => (item.hasSecondFactor ? t("yes") : t("no")),
          },
          {
            key: "decision",
            title: t("decision"),
            render: (_, item) => (
              <DecisionCell
                key={`${item.memberId}-${data.status}`}
                companyId={companyId}
                review={data}
                item={item}
              />
            ),
          },
        ]}
      />
    </section>
  );
}

export function AccessReviewsPage() {
  const { t } = useTranslation("accessReviews");
  const { membership } = useCurrentMembership();
  const companyId = membership.companyId;
  const { message } = App.useApp();
  const reviews = useAccessReviews(companyId);
  const start = useStartAccessReview(companyId);
  const [selected, setSelected] = useState<string | null>(null);
  const items = reviews.data?.items ?? [];
  const shown = selected ?? items[0]?.id ?? null;
  const hasOpen = items.some((review) => review.status === "open");

  return (
    <>
      <PageTitle>{t("title")}</PageTitle>
      <Typography.Paragraph>{t("intro")}</Typography.Paragraph>
      {reviews.isError ? (
        <QueryErrorResult error={reviews.error} onRetry={() => reviews.refetch()} />
      ) : reviews.data === undefined ? (
        <Skeleton active />
      ) : (
        <>
          <Flex gap="small" wrap align="center">
            <Button
              type="primary"
              disabled={hasOpen}
              loading={start.isPending}
              onClick={() =>
                start.mutate(undefined, {
                  onSuccess: (review) => setSelected(review.id),
                  onError: (error) => void message.error(describeError(error)),
                })
              }
            >
              {t("start")}
            </Button>
            {items.length > 0 && (
              <Select
                aria-label={t("review")}
                value={shown ?? undefined}
                onChange={setSelected}
                options={items.map((review) => ({
                  value: review.id,
                  label: t("reviewOption", {
                    date: formatDate(review.startedAt),
                    status: t(`reviewStatuses.${review.status}`, { defaultValue: review.status }),
                    decided: review.decided,
                    members: review.members,
                  }),
                }))}
                style={{ minWidth: 280 }}
              />
            )}
          </Flex>
          {hasOpen && <Alert type="info" showIcon style={{ marginTop: 16 }} message={t("openAlert")} />}
          {shown ? <ReviewTable companyId={companyId} reviewId={shown} /> : <Empty description={t("none")} />}
        </>
      )}
    </>
  );
}
