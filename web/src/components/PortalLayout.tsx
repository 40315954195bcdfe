// The logged-in shell of `/c/:companyId/...` and `/profile`: left menu, top bar (company switcher,
// language, profile), and the page, which reads the signed-in account through usePortalMe(). Below 768 px
// (SPEC §6.7) the menu moves into a drawer opened from the top bar, so the page keeps the width.
import { App as AntApp, Button, Drawer, Flex, Grid, Layout, Result, theme } from "antd";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, Outlet, useLocation, useMatch, useOutletContext } from "react-router-dom";
import { isApiError } from "../api/client";
import { useMe } from "../api/queries";
import type { Me } from "../api/types";
import { LanguageSwitch } from "../i18n/LanguageSwitch";
import { useAccountLanguage } from "../i18n/useAccountLanguage";
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
  // The `errors` catalogue too: the pages' failures are worded from it.
  const { t } = useTranslation(["shell", "errors"]);
  const me = useMe();
  useAccountLanguage(me.data);
  const { token } = theme.useToken();
  // Before the first measure `md` is undefined: the desktop layout, which most screens get.
  const isNarrow = Grid.useBreakpoint().md === false;
  const [isDrawerOpen, setIsDrawerOpen] = useState(false);
  // Any move to another page (a menu item, Back, a link in the page) closes the drawer; a click on
  // the section already open closes it through PortalMenu's onNavigate.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is the trigger, not an input
  useEffect(() => setIsDrawerOpen(false), [location.pathname]);
  useEffect(() => {
    if (!isNarrow) setIsDrawerOpen(false);
  }, [isNarrow]);

  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location }} />;
    }
    return (
      <StandaloneMain>
        <Result
          status="error"
          title={<ResultHeading>{t("portalNotLoaded")}</ResultHeading>}
          subTitle={isApiError(me.error) ? me.error.message : undefined}
          extra={<Button onClick={() => me.refetch()}>{t("common:retry")}</Button>}
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

  const navigation: ReactNode = (
    <>
      {companyId !== undefined && isActiveMember && (
        <nav aria-label={t("portalSections")}>
          <PortalMenu
            companyId={companyId}
            permissions={membership.permissions}
            selectedKey={selectedKey}
            onNavigate={() => setIsDrawerOpen(false)}
          />
        </nav>
      )}
      {companyId === undefined && (
        <div style={{ paddingInline: 24 }}>
          <Link to="/">{t("backToPortal")}</Link>
        </div>
      )}
    </>
  );
  const gutter = isNarrow ? 12 : 24;

  // Ant Design's App (message, notification and confirm windows for the pages) lives here, not
  // around the whole app: the pages without a session never use it, and the login page loads less.
  return (
    <AntApp>
      <Layout style={{ minHeight: "100vh" }}>
        <SkipLink />
        {isNarrow ? (
          <Drawer
            title={t("portalName")}
            placement="left"
            width={280}
            open={isDrawerOpen}
            onClose={() => setIsDrawerOpen(false)}
            styles={{ body: { padding: 0 } }}
          >
            {navigation}
            <div style={{ padding: "16px 24px" }}>
              <LanguageSwitch saveToAccount />
            </div>
          </Drawer>
        ) : (
          <Layout.Sider
            width={232}
            theme="light"
            style={{ borderInlineEnd: `1px solid ${token.colorSplit}` }}
          >
            <div style={{ padding: "20px 24px", fontWeight: 600, fontSize: token.fontSizeLG }}>
              {t("portalName")}
            </div>
            {navigation}
          </Layout.Sider>
        )}
        {/* minWidth 0: a wide table scrolls inside the page instead of widening it. */}
        <Layout style={{ minWidth: 0 }}>
          <Layout.Header
            style={{
              background: token.colorBgContainer,
              borderBottom: `1px solid ${token.colorSplit}`,
              paddingInline: gutter,
            }}
          >
            <Flex align="center" justify="space-between" gap="small" style={{ height: "100%" }}>
              {isNarrow && (
                <Button aria-expanded={isDrawerOpen} onClick={() => setIsDrawerOpen(true)}>
                  {t("menu")}
                </Button>
              )}
              <div style={{ minWidth: 0, flex: "1 1 auto" }}>
                <CompanySwitcher memberships={memberships} companyId={membership ? companyId : undefined} />
              </div>
              {/* On a phone the switch sits in the menu's drawer: the top bar keeps the company's name. */}
              {!isNarrow && <LanguageSwitch saveToAccount />}
              <ProfileMenu account={account} />
            </Flex>
          </Layout.Header>
          {/* Layout.Content is the page's one main landmark. */}
          <Layout.Content id={MAIN_CONTENT_ID} tabIndex={-1} style={{ margin: gutter, minWidth: 0 }}>
            <div
              style={{
                padding: gutter,
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
    </AntApp>
  );
}
