// The application: data cache, step-up verification, router, and the route table built from
// navigation.ts. Every section route is wrapped in the permission guard of its navigation entry.
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConfigProvider } from "antd";
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { isApiError } from "./api/client";
import { queryKeys } from "./api/queries";
import { FullPageSpinner, SectionSpinner } from "./components/FullPageSpinner";
import { takeFragmentTokenAtStart } from "./components/fragmentToken";
import { StandaloneMain } from "./components/SkipLink";
import { StepUpProvider } from "./components/StepUpProvider";
import { preloadNamespaces } from "./i18n";
import { useAntdLocale } from "./i18n/antdLocale";
import { type NavigationEntry, type NavigationKey, navigationEntries } from "./navigation";
import { portalTheme } from "./theme";

// Each page is its own chunk, loaded when its route is first shown: the login page does not carry
// the portal's tables, forms and charts. The named export becomes the lazy component's default.
function page<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}

// The portal's code (the layout, the guard and every section) is fetched all at once, in parallel,
// as soon as a portal page is open: not one lazy level after another, and not on each click.
const portalChunks: Array<() => Promise<unknown>> = [];
function portalPage<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  portalChunks.push(load);
  return page(load, name);
}
let isPortalPreloaded = false;
function preloadPortal() {
  if (isPortalPreloaded) return;
  isPortalPreloaded = true;
  preloadNamespaces();
  // The frame first (layout, company scope, guard), then the sections: the page asked for is not
  // queued behind every other. A chunk that fails here is fetched again when its page renders.
  const frame = [loadPortalLayout(), loadCompanyScope(), loadPermissionGate()];
  void Promise.allSettled(frame).then(() => {
    for (const load of portalChunks) load().catch(() => undefined);
  });
}

const AcceptInvitationPage = page(() => import("./pages/AcceptInvitationPage"), "AcceptInvitationPage");
const AccountInfoPage = portalPage(() => import("./pages/AccountInfoPage"), "AccountInfoPage");
const AuditLogPage = portalPage(() => import("./pages/AuditLogPage"), "AuditLogPage");
const CompanyInfoPage = portalPage(() => import("./pages/CompanyInfoPage"), "CompanyInfoPage");
const CompanyRedirectPage = portalPage(() => import("./pages/CompanyRedirectPage"), "CompanyRedirectPage");
const loadCompanyScope = () => import("./components/CompanyScope");
const CompanyScope = portalPage(loadCompanyScope, "CompanyScope");
const DeveloperCenterPage = portalPage(() => import("./pages/DeveloperCenterPage"), "DeveloperCenterPage");
const ForgotPasswordPage = page(() => import("./pages/ForgotPasswordPage"), "ForgotPasswordPage");
const HomePage = portalPage(() => import("./pages/HomePage"), "HomePage");
const InsightsPage = portalPage(() => import("./pages/InsightsPage"), "InsightsPage");
const LoginPage = page(() => import("./pages/LoginPage"), "LoginPage");
const MemberDetailPage = portalPage(() => import("./pages/MemberDetailPage"), "MemberDetailPage");
const MemberListPage = portalPage(() => import("./pages/MemberListPage"), "MemberListPage");
const NotFoundPage = page(() => import("./pages/NotFoundPage"), "NotFoundPage");
const loadPortalLayout = () => import("./components/PortalLayout");
const PortalLayout = portalPage(loadPortalLayout, "PortalLayout");
const ProfilePage = portalPage(() => import("./pages/ProfilePage"), "ProfilePage");
const ResetPasswordPage = page(() => import("./pages/ResetPasswordPage"), "ResetPasswordPage");
const RolesPage = portalPage(() => import("./pages/RolesPage"), "RolesPage");
const SecurityPage = portalPage(() => import("./pages/SecurityPage"), "SecurityPage");
const SecurityPolicyPage = portalPage(() => import("./pages/SecurityPolicyPage"), "SecurityPolicyPage");
const AccessReviewsPage = portalPage(() => import("./pages/AccessReviewsPage"), "AccessReviewsPage");
const SettlementsPage = portalPage(() => import("./pages/SettlementsPage"), "SettlementsPage");
const TransactionsPage = portalPage(() => import("./pages/TransactionsPage"), "TransactionsPage");
const UnlockLoginPage = page(() => import("./pages/UnlockLoginPage"), "UnlockLoginPage");

// The guard shows "access denied" pages of its own; it is needed only inside a company.
const loadPermissionGate = () => import("./components/PermissionGate");
portalChunks.push(loadPermissionGate);
const PermissionGate = lazy(() =>
  loadPermissionGate().then((module) => ({ default: module.PermissionGate })),
);

// An emailed link's token leaves the address bar now, not once its page's code has arrived.
takeFragmentTokenAtStart();

const PUBLIC_PATHS = [
  "/login",
  "/forgot-password",
  "/reset-password",
  "/unlock-login",
  "/invitations/accept",
];
if (!PUBLIC_PATHS.includes(window.location.pathname)) preloadPortal();

/** The portal's routes: once one renders (after a login, say), the rest of the portal is fetched. */
function Preloading({ children }: { children: ReactNode }) {
  useEffect(preloadPortal, []);
  return children;
}

const pageByKey: Record<NavigationKey, ComponentType> = {
  home: HomePage,
  transactions: TransactionsPage,
  settlements: SettlementsPage,
  "developer-center": DeveloperCenterPage,
  insights: InsightsPage,
  "member-list": MemberListPage,
  roles: RolesPage,
  "audit-log": AuditLogPage,
  "company-info": CompanyInfoPage,
  "account-info": AccountInfoPage,
  security: SecurityPolicyPage,
  "access-reviews": AccessReviewsPage,
};

function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!isApiError(error) || query.queryKey[0] === queryKeys.me[0]) return;
        // An expired session: reloading `me` gets the 401 that sends the layout to /login.
        if (error.status === 401) void queryClient.resetQueries({ queryKey: queryKeys.me });
        // Roles or the company's two-factor requirement changed since `me` was loaded: refresh the
        // menu and the guards.
        if (error.status === 403 && (error.code === "forbidden" || error.code === "mfa_enrolment_required")) {
          void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // A 4xx answer will not change on retry; network and server failures may.
        retry: (failureCount, error) =>
          failureCount < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      },
    },
  });
  return queryClient;
}

const queryClient = createQueryClient();

// A member's page lies beneath the member list: the list's entry guards it.
const memberListEntry = navigationEntries.find((entry) => entry.key === "member-list") as NavigationEntry;

function GuardedPage({ entry }: { entry: NavigationEntry }) {
  const Page = pageByKey[entry.key];
  return (
    // Inside the layout: the menu and the top bar stay while the page's code loads.
    <Suspense fallback={<SectionSpinner />}>
      <PermissionGate entry={entry}>
        <Page />
      </PermissionGate>
    </Suspense>
  );
}

export function App() {
  return (
    // The first words of the page's language arrive before anything is drawn in it.
    <Suspense fallback={<FullPageSpinner />}>
      <LocalizedApp />
    </Suspense>
  );
}

function LocalizedApp() {
  const locale = useAntdLocale();
  return (
    <ConfigProvider theme={portalTheme} locale={locale}>
      <QueryClientProvider client={queryClient}>
        {/* Navigations are not transitions: the page left goes at once (a spinner stands in while
            the next page's code loads), never staying usable in the meantime. */}
        <BrowserRouter useTransitions={false}>
          {/* Inside the router: the Email Verification window links to the profile. */}
          <StepUpProvider>
            <Suspense fallback={<FullPageSpinner />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/forgot-password" element={<ForgotPasswordPage />} />
                <Route path="/reset-password" element={<ResetPasswordPage />} />
                <Route path="/unlock-login" element={<UnlockLoginPage />} />
                <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
                <Route
                  path="/"
                  element={
                    <Preloading>
                      <CompanyRedirectPage />
                    </Preloading>
                  }
                />
                <Route
                  element={
                    <Preloading>
                      <PortalLayout />
                    </Preloading>
                  }
                >
                  <Route
                    path="/profile"
                    element={
                      <Suspense fallback={<SectionSpinner />}>
                        <ProfilePage />
                      </Suspense>
                    }
                  />
                  <Route
                    path="/profile/security"
                    element={
                      <Suspense fallback={<SectionSpinner />}>
                        <SecurityPage />
                      </Suspense>
                    }
                  />
                  <Route path="/c/:companyId" element={<CompanyScope />}>
                    {navigationEntries.map((entry) =>
                      entry.path === "" ? (
                        <Route key={entry.key} index element={<GuardedPage entry={entry} />} />
                      ) : (
                        <Route key={entry.key} path={entry.path} element={<GuardedPage entry={entry} />} />
                      ),
                    )}
                    <Route
                      path="account/members/:memberId"
                      element={
                        <Suspense fallback={<SectionSpinner />}>
                          <PermissionGate entry={memberListEntry}>
                            <MemberDetailPage />
                          </PermissionGate>
                        </Suspense>
                      }
                    />
                    <Route
                      path="*"
                      element={
                        <Suspense fallback={<SectionSpinner />}>
                          <NotFoundPage />
                        </Suspense>
                      }
                    />
                  </Route>
                </Route>
                <Route
                  path="*"
                  element={
                    <StandaloneMain>
                      <NotFoundPage />
                    </StandaloneMain>
                  }
                />
              </Routes>
            </Suspense>
          </StepUpProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </ConfigProvider>
  );
}
