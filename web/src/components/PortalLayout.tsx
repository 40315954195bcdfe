// The logged-in shell of `/c/:companyId/...`: left menu, top bar (company switcher, profile),
// and the page, which sees the membership of the company named by the URL.
import { Button, Flex, Layout, Result, theme } from "antd";
import { Link, Navigate, Outlet, useLocation, useParams } from "react-router-dom";
import { isApiError } from "../api/client";
import { useMe } from "../api/queries";
import type { Account, Membership } from "../api/types";
import { findEntryByPath, pathInCompany } from "../navigation";
import { CompanySwitcher } from "./CompanySwitcher";
import { CurrentMembershipProvider } from "./CurrentMembership";
import { FullPageSpinner } from "./FullPageSpinner";
import { PortalMenu } from "./PortalMenu";
import { ProfileMenu } from "./ProfileMenu";

function CompanyBody({ account, membership }: { account: Account; membership: Membership | undefined }) {
  if (membership === undefined) {
    return (
      <Result
        status="404"
        title="Company not found"
        subTitle="This company does not exist or you are not a member of it."
        extra={<Link to="/">Go to your company</Link>}
      />
    );
  }
  if (membership.status !== "active") {
    return (
      <Result
        status="403"
        title="Your membership is deactivated"
        subTitle="You can no longer open this company. Ask one of its admins to reactivate you."
      />
    );
  }
  return (
    <CurrentMembershipProvider value={{ account, membership }}>
      <Outlet />
    </CurrentMembershipProvider>
  );
}

export function PortalLayout() {
  const { companyId = "" } = useParams();
  const location = useLocation();
  const me = useMe();
  const { token } = theme.useToken();

  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location }} />;
    }
    return (
      <Result
        status="error"
        title="The portal could not be loaded"
        subTitle={isApiError(me.error) ? me.error.message : undefined}
        extra={<Button onClick={() => me.refetch()}>Retry</Button>}
      />
    );
  }

  const { account, memberships } = me.data;
  const membership = memberships.find((candidate) => candidate.companyId === companyId);
  const isActiveMember = membership?.status === "active";
  const selectedKey = findEntryByPath(pathInCompany(location.pathname, companyId))?.key;

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider width={232} theme="light" style={{ borderInlineEnd: `1px solid ${token.colorSplit}` }}>
        <div style={{ padding: "20px 24px", fontWeight: 600, fontSize: token.fontSizeLG }}>
          Merchant Portal
        </div>
        {isActiveMember && (
          <nav aria-label="Portal sections">
            <PortalMenu
              companyId={companyId}
              permissions={membership.permissions}
              selectedKey={selectedKey}
            />
          </nav>
        )}
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorSplit}`,
            paddingInline: 24,
          }}
        >
          <Flex align="center" justify="space-between" style={{ height: "100%" }}>
            <CompanySwitcher memberships={memberships} companyId={membership ? companyId : undefined} />
            <ProfileMenu account={account} />
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <main
            style={{
              padding: 24,
              background: token.colorBgContainer,
              borderRadius: token.borderRadiusLG,
              minHeight: 360,
            }}
          >
            <CompanyBody account={account} membership={membership} />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
