// Access reviews (PCI DSS 7.2.4, SPEC §6.4): start one, decide keep / change / deactivate for each
// member (their roles, last activity and second factor beside), complete it, download the attestation.

import { Alert, App, Button, Empty, Flex, Select, Skeleton, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
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
import { formatInstant } from "../components/formatDateTime";
import { Instant } from "../components/Instant";
import { RoleTags } from "../components/members/RolePicker";
import { ScopeText } from "../components/merchant-accounts/ScopePicker";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";

const DECISIONS = [
  { value: "keep", label: "Keep" },
  { value: "change", label: "Change roles" },
  { value: "deactivate", label: "Deactivate" },
] as const;

function DecisionCell({
  companyId,
  review,
  item,
}: {
  companyId: string;
  review: AccessReview;
  item: AccessReviewItem;
}) {
  const { message } = App.useApp();
  const roles = useRoles(companyId);
  const decide = useDecideAccessReview(companyId, review.id);
  const [decision, setDecision] = useState(item.decision);
  const [roleIds, setRoleIds] = useState<string[]>(item.roleIds ?? item.roles.map((role) => role.id));
  const isOpen = review.status === "open";
  const label = `Decision for ${item.email}`;

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
        <span>{DECISIONS.find((d) => d.value === item.decision)?.label ?? "Undecided"}</span>
        {item.outcome && <Typography.Text type="secondary">{item.outcome}</Typography.Text>}
      </Space>
    );
  }
  return (
    <Space direction="vertical" size="small" style={{ minWidth: 200 }}>
      <Select
        aria-label={label}
        placeholder="Decide"
        value={decision ?? undefined}
        options={DECISIONS.map((d) => ({ value: d.value, label: d.label }))}
        onChange={(next) => {
          setDecision(next);
          save(next, roleIds);
        }}
        style={{ width: "100%" }}
      />
      {decision === "change" && (
        <Select
          mode="multiple"
          aria-label={`New roles for ${item.email}`}
          value={roleIds}
          options={(roles.data?.items ?? []).map((role) => ({ value: role.id, label: role.name }))}
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
  const { message } = App.useApp();
  const review = useAccessReview(companyId, reviewId);
  const complete = useCompleteAccessReview(companyId, reviewId);
  if (review.isError) return <QueryErrorResult error={review.error} onRetry={() => review.refetch()} />;
  if (review.data === undefined) return <Skeleton active />;
  const data = review.data;
  return (
    <section aria-labelledby="review-title" style={{ marginTop: 24 }}>
      <SectionTitle id="review-title">{`Review started ${formatInstant(data.startedAt)}`}</SectionTitle>
      <Flex gap="small" wrap style={{ marginBottom: 16 }}>
        {data.status === "open" ? (
          <Button
            type="primary"
            loading={complete.isPending}
            onClick={() =>
              complete.mutate(undefined, {
                onSuccess: () => void message.success("The access review was completed"),
                onError: (error) => void message.error(describeError(error)),
              })
            }
          >
            Complete review
          </Button>
        ) : (
          <Tag color="success">Completed</Tag>
        )}
        <DownloadLink
          href={`/api/companies/${companyId}/access-reviews/${reviewId}/report`}
          description="Download attestation"
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
            title: "Member",
            render: (_, item) => <span>{item.name ? `${item.name} (${item.email})` : item.email}</span>,
          },
          { key: "status", title: "Status", dataIndex: "status" },
          { key: "roles", title: "Roles", render: (_, item) => <RoleTags roles={item.roles} /> },
          {
            key: "scope",
            title: "Merchant accounts",
            render: (_, item) => <ScopeText companyId={companyId} scope={item.scope} />,
          },
          {
            key: "lastActive",
            title: "Last active",
            render: (_, item) => (item.lastActiveAt ? <Instant iso={item.lastActiveAt} /> : "Never"),
          },
          { key: "factor", title: "Two-factor", render: (_, item) => (item.hasSecondFactor ? "Yes" : "No") },
          {
            key: "decision",
            title: "Decision",
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
      <PageTitle>Access reviews</PageTitle>
      <Typography.Paragraph>
        Review every member's roles at least every six months (PCI DSS 7.2.4): keep, change or deactivate
        each, then complete the review and download its attestation.
      </Typography.Paragraph>
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
              Start access review
            </Button>
            {items.length > 0 && (
              <Select
                aria-label="Review"
                value={shown ?? undefined}
                onChange={setSelected}
                options={items.map((review) => ({
                  value: review.id,
                  label: `${new Date(review.startedAt).toLocaleDateString()} · ${review.status} · ${review.decided}/${review.members} decided`,
                }))}
                style={{ minWidth: 280 }}
              />
            )}
          </Flex>
          {hasOpen && (
            <Alert
              type="info"
              showIcon
              style={{ marginTop: 16 }}
              message="A review is open: complete it before starting another."
            />
          )}
          {shown ? (
            <ReviewTable companyId={companyId} reviewId={shown} />
          ) : (
            <Empty description="No access review yet" />
          )}
        </>
      )}
    </>
  );
}
