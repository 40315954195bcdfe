// A company's home (SPEC §6.7): who is logged in, with which roles, a card for each section those
// roles open (from the navigation table the menu uses) and, for Admins (`members.view` and
// `members.invite`), who has no second factor and how many invitations are open.
import { Card, Col, Descriptions, List, Row, Skeleton, Space, Statistic, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { useCompanyHome } from "../api/homeQueries";
import type { CompanyHome } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { Instant } from "../components/Instant";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { useCatalogueLabels } from "../i18n/catalogueLabels";
import { allowedEntries, companyPath, memberDetailPath, navigationGroups } from "../navigation";
import { formatCount } from "../wording/counting";

const MEMBER_LIST_PATH = "account/members";

/** "12", or "1,000+" when the server stopped counting, as the page's language writes numbers. */
function countWords({ total, totalExact }: { total: number; totalExact: boolean }): string {
  return totalExact ? formatCount(total) : `${formatCount(total)}+`;
}

function SectionCards({ companyId, permissions }: { companyId: string; permissions: readonly string[] }) {
  const { t } = useTranslation("home");
  const entries = allowedEntries(permissions).filter((entry) => entry.key !== "home");
  return (
    <section aria-labelledby="home-sections-title">
      <SectionTitle id="home-sections-title">{t("yourSections")}</SectionTitle>
      <Row gutter={[16, 16]}>
        {entries.map((entry) => (
          <Col key={entry.key} xs={24} sm={12} lg={8}>
            {/* The title is a link, not a heading: the section's own page holds its heading. */}
            <Card
              size="small"
              style={{ height: "100%" }}
              title={
                <Link to={companyPath(companyId, entry.path)}>
                  {entry.group
                    ? t("sectionInGroup", {
                        group: navigationGroups[entry.group].label,
                        section: entry.label,
                      })
                    : entry.label}
                </Link>
              }
            >
              <Typography.Paragraph style={{ marginBottom: 0 }}>{entry.summary}</Typography.Paragraph>
            </Card>
          </Col>
        ))}
      </Row>
    </section>
  );
}

function WithoutSecondFactorCard({ companyId, home }: { companyId: string; home: CompanyHome }) {
  const { t } = useTranslation("home");
  const { membersWithoutSecondFactor: without } = home;
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Title level={3} id="home-no-2fa-title" style={{ fontSize: 16, marginTop: 0 }}>
        {t("withoutSecondFactor")}
      </Typography.Title>
      <Statistic value={countWords(without)} />
      {without.sample.length > 0 && (
        <List
          size="small"
          dataSource={without.sample}
          renderItem={(member) => (
            <List.Item>
              <Link to={memberDetailPath(companyId, member.memberId)}>{member.name || member.email}</Link>
            </List.Item>
          )}
        />
      )}
      <Link to={companyPath(companyId, MEMBER_LIST_PATH)}>{t("openMemberList")}</Link>
    </Card>
  );
}

function PendingInvitationsCard({
  companyId,
  pending,
}: {
  companyId: string;
  pending: NonNullable<CompanyHome["pendingInvitations"]>;
}) {
  const { t } = useTranslation("home");
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Title level={3} id="home-pending-title" style={{ fontSize: 16, marginTop: 0 }}>
        {t("pendingInvitations")}
      </Typography.Title>
      <Statistic value={countWords(pending)} />
      <Link to={companyPath(companyId, MEMBER_LIST_PATH)}>{t("seeInMemberList")}</Link>
    </Card>
  );
}

function ExpiringAccessCard({ companyId, home }: { companyId: string; home: CompanyHome }) {
  const { t } = useTranslation("home");
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Title level={3} id="home-expiring-title" style={{ fontSize: 16, marginTop: 0 }}>
        {t("expiringAccess")}
      </Typography.Title>
      {home.expiringAccess.length === 0 ? (
        <Typography.Paragraph style={{ marginBottom: 0 }}>{t("noneExpiring")}</Typography.Paragraph>
      ) : (
        <List
          size="small"
          aria-labelledby="home-expiring-title"
          dataSource={home.expiringAccess}
          renderItem={(item) => (
            <List.Item>
              <Link to={memberDetailPath(companyId, item.memberId)}>{item.name || item.email}</Link>
              {": "}
              {t("expiresUntil", { role: item.roleName })} <Instant iso={item.expiresAt} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The Admin's cards: second factors, open invitations, expiring access. */
function AdminCards({ companyId }: { companyId: string }) {
  const { t } = useTranslation("home");
  const home = useCompanyHome(companyId, true);
  return (
    <section aria-labelledby="home-attention-title" style={{ marginTop: 32 }}>
      <SectionTitle id="home-attention-title">{t("teamSecurity")}</SectionTitle>
      {home.isError ? (
        <QueryErrorResult error={home.error} onRetry={() => home.refetch()} />
      ) : home.data === undefined ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} md={12}>
            <WithoutSecondFactorCard companyId={companyId} home={home.data} />
          </Col>
          {home.data.pendingInvitations && (
            <Col xs={24} md={12}>
              <PendingInvitationsCard companyId={companyId} pending={home.data.pendingInvitations} />
            </Col>
          )}
          <Col xs={24} md={12}>
            <ExpiringAccessCard companyId={companyId} home={home.data} />
          </Col>
        </Row>
      )}
    </section>
  );
}

export function HomePage() {
  const { t } = useTranslation("home");
  const labels = useCatalogueLabels();
  const { account, membership } = useCurrentMembership();
  const { permissions } = membership;
  const isAdmin = permissions.includes("members.view") && permissions.includes("members.invite");
  return (
    <>
      <PageTitle>{t("title")}</PageTitle>
      <Typography.Paragraph>{t("welcome", { name: account.name || account.email })}</Typography.Paragraph>
      <Descriptions
        column={1}
        style={{ marginBottom: 24 }}
        items={[
          { key: "company", label: t("company"), children: membership.companyName },
          {
            key: "roles",
            label: t("yourRoles"),
            children: (
              <Space size={[0, 8]} wrap>
                {membership.roles.map((role) => (
                  <Tag key={role.id}>{labels.roleName(role)}</Tag>
                ))}
              </Space>
            ),
          },
        ]}
      />
      <SectionCards companyId={membership.companyId} permissions={permissions} />
      {isAdmin && <AdminCards companyId={membership.companyId} />}
    </>
  );
}
