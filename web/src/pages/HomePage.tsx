// A company's home (SPEC §6.7): who is logged in, with which roles, a card for each section those
// roles open (from the navigation table the menu uses) and, for Admins (`members.view` and
// `members.invite`), who has no second factor and how many invitations are open.
import { Card, Col, Descriptions, List, Row, Skeleton, Space, Statistic, Tag, Typography } from "antd";
import { Link } from "react-router-dom";
import { useCompanyHome } from "../api/homeQueries";
import type { CompanyHome } from "../api/types";
import { useCurrentMembership } from "../components/CurrentMembership";
import { Instant } from "../components/Instant";
import { PageTitle, SectionTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";
import { allowedEntries, companyPath, memberDetailPath, navigationGroups } from "../navigation";

const MEMBER_LIST_PATH = "account/members";

function countWords({ total, totalExact }: { total: number; totalExact: boolean }): string {
  return totalExact ? String(total) : `${total}+`;
}

function SectionCards({ companyId, permissions }: { companyId: string; permissions: readonly string[] }) {
  const entries = allowedEntries(permissions).filter((entry) => entry.key !== "home");
  return (
    <section aria-labelledby="home-sections-title">
      <SectionTitle id="home-sections-title">Your sections</SectionTitle>
      <Row gutter={[16, 16]}>
        {entries.map((entry) => (
          <Col key={entry.key} xs={24} sm={12} lg={8}>
            {/* The title is a link, not a heading: the section's own page holds its heading. */}
            <Card
              size="small"
              style={{ height: "100%" }}
              title={
                <Link to={companyPath(companyId, entry.path)}>
                  {entry.group ? `${navigationGroups[entry.group].label}: ${entry.label}` : entry.label}
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
  const { membersWithoutSecondFactor: without } = home;
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Title level={3} id="home-no-2fa-title" style={{ fontSize: 16, marginTop: 0 }}>
        Members without two-factor authentication
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
      <Link to={companyPath(companyId, MEMBER_LIST_PATH)}>Open the member list</Link>
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
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Title level={3} id="home-pending-title" style={{ fontSize: 16, marginTop: 0 }}>
        Pending invitations
      </Typography.Title>
      <Statistic value={countWords(pending)} />
      <Link to={companyPath(companyId, MEMBER_LIST_PATH)}>See them in the member list</Link>
    </Card>
  );
}

function ExpiringAccessCard({ companyId, home }: { companyId: string; home: CompanyHome }) {
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Title level={3} id="home-expiring-title" style={{ fontSize: 16, marginTop: 0 }}>
        Expiring access
      </Typography.Title>
      {home.expiringAccess.length === 0 ? (
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          No role expires in the next 14 days.
        </Typography.Paragraph>
      ) : (
        <List
          size="small"
          aria-labelledby="home-expiring-title"
          dataSource={home.expiringAccess}
          renderItem={(item) => (
            <List.Item>
              <Link to={memberDetailPath(companyId, item.memberId)}>{item.name || item.email}</Link>
              {": "}
              {item.roleName} until <Instant iso={item.expiresAt} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

/** The Admin's cards: second factors, open invitations, expiring access. */
function AdminCards({ companyId }: { companyId: string }) {
  const home = useCompanyHome(companyId, true);
  return (
    <section aria-labelledby="home-attention-title" style={{ marginTop: 32 }}>
      <SectionTitle id="home-attention-title">Team security</SectionTitle>
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
  const { account, membership } = useCurrentMembership();
  const { permissions } = membership;
  const isAdmin = permissions.includes("members.view") && permissions.includes("members.invite");
  return (
    <>
      <PageTitle>Home</PageTitle>
      <Typography.Paragraph>Welcome, {account.name || account.email}.</Typography.Paragraph>
      <Descriptions
        column={1}
        style={{ marginBottom: 24 }}
        items={[
          { key: "company", label: "Company", children: membership.companyName },
          {
            key: "roles",
            label: "Your roles",
            children: (
              <Space size={[0, 8]} wrap>
                {membership.roles.map((role) => (
                  <Tag key={role.id}>{role.name}</Tag>
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
