// The logged-in shell of `/c/:companyId/...` and `/profile`: left menu, top bar (company switcher,
// profile), and the page, which reads the signed-in account through usePortalMe().
import { Button, Flex, Layout, Result, theme } from "antd";
import { Link, Navigate, Outlet, useLocation, useMatch, useOutletContext } from "react-router-dom";
import { isApiError } from "../api/client";
import { useMe } from "../api/queries";
import type { Me } from "../api/types";
import { findEntryByPath, pathInCompany } from "../navigation";
import { CompanySwitcher } from "./CompanySwitcher";
import { FullPageSpinner } from "./FullPageSpinner";
import { PortalMenu } from "./PortalMenu";
import { ProfileMenu } from "./ProfileMenu";
import { ResultHeading } from "./ResultHeading";
import { MAIN_CONTENT_ID, SkipLink, StandaloneMain } from "./SkipLink";

/** The signed-in account and its memberships, for the pages inside the portal layout. */
export function usePortalMe(): Me {
  return useOutletContext<Me>();
}

export function PortalLayout() {
  // The layout also frames pages outside any company (`/profile`): there it has no company id.
  const companyId = useMatch("/c/:companyId/*")?.params.companyId;
  const location = useLocation();
  const me = useMe();
  const { token } = theme.useToken();

  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location }} />;
    }
    return (
      <StandaloneMain>
        <Result
          status="error"
          title={<ResultHeading>The portal could not be loaded</ResultHeading>}
          subTitle={isApiError(me.error) ? me.error.message : undefined}
          extra={<Button onClick={() => me.refetch()}>Retry</Button>}
        />
      </StandaloneMain>
    );
  }

  const { account, memberships } = me.data;
  const membership =
    companyId === undefined ? undefined : memberships.find((candidate) => candidate.companyId === companyId);
  const isActiveMember = membership?.status === "active";
  const selectedKey =
    companyId === undefined ? undefined : findEntryByPath(pathInCompany(location.pathname, companyId))?.key;

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <SkipLink />
      <Layout.Sider width={232} theme="light" style={{ borderInlineEnd: `1px solid ${token.colorSplit}` }}>
        <div style={{ padding: "20px 24px", fontWeight: 600, fontSize: token.fontSizeLG }}>
          Merchant Portal
        </div>
        {companyId !== undefined && isActiveMember && (
          <nav aria-label="Portal sections">
            <PortalMenu
              companyId={companyId}
              permissions={membership.permissions}
              selectedKey={selectedKey}
            />
          </nav>
        )}
        {companyId === undefined && (
          <div style={{ paddingInline: 24 }}>
            <Link to="/">Back to the portal</Link>
          </div>
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
        {/* Layout.Content is the page's one main landmark. */}
        <Layout.Content id={MAIN_CONTENT_ID} tabIndex={-1} style={{ margin: 24 }}>
          <div
            style={{
              padding: 24,
              background: token.colorBgContainer,
              borderRadius: token.borderRadiusLG,
              minHeight: 360,
            }}
          >
            <Outlet context={me.data} />
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
