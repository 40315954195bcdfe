// The application: data cache, step-up verification, router, and the route table built from
// navigation.ts. Every section route is wrapped in the permission guard of its navigation entry.
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConfigProvider } from "antd";
import { type ComponentType, lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { isApiError } from "./api/client";
import { queryKeys } from "./api/queries";
import { FullPageSpinner, SectionSpinner } from "./components/FullPageSpinner";
import { StandaloneMain } from "./components/SkipLink";
import { StepUpProvider } from "./components/StepUpProvider";
import { type NavigationEntry, type NavigationKey, navigationEntries } from "./navigation";
import { portalTheme } from "./theme";

// Each page is its own chunk, loaded when its route is first shown: the login page does not carry
// the portal's tables, forms and charts. The named export becomes the lazy component's default.
function page<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}

const AcceptInvitationPage = page(() => import("./pages/AcceptInvitationPage"), "AcceptInvitationPage");
const AccountInfoPage = page(() => import("./pages/AccountInfoPage"), "AccountInfoPage");
const AuditLogPage = page(() => import("./pages/AuditLogPage"), "AuditLogPage");
const CompanyInfoPage = page(() => import("./pages/CompanyInfoPage"), "CompanyInfoPage");
const CompanyRedirectPage = page(() => import("./pages/CompanyRedirectPage"), "CompanyRedirectPage");
const CompanyScope = page(() => import("./components/CompanyScope"), "CompanyScope");
const DeveloperCenterPage = page(() => import("./pages/DeveloperCenterPage"), "DeveloperCenterPage");
const ForgotPasswordPage = page(() => import("./pages/ForgotPasswordPage"), "ForgotPasswordPage");
const HomePage = page(() => import("./pages/HomePage"), "HomePage");
const InsightsPage = page(() => import("./pages/InsightsPage"), "InsightsPage");
const LoginPage = page(() => import("./pages/LoginPage"), "LoginPage");
const MemberDetailPage = page(() => import("./pages/MemberDetailPage"), "MemberDetailPage");
const MemberListPage = page(() => import("./pages/MemberListPage"), "MemberListPage");
const NotFoundPage = page(() => import("./pages/NotFoundPage"), "NotFoundPage");
const PortalLayout = page(() => import("./components/PortalLayout"), "PortalLayout");
const ProfilePage = page(() => import("./pages/ProfilePage"), "ProfilePage");
const ResetPasswordPage = page(() => import("./pages/ResetPasswordPage"), "ResetPasswordPage");
const RolesPage = page(() => import("./pages/RolesPage"), "RolesPage");
const SecurityPolicyPage = page(() => import("./pages/SecurityPolicyPage"), "SecurityPolicyPage");
const SettlementsPage = page(() => import("./pages/SettlementsPage"), "SettlementsPage");
const TransactionsPage = page(() => import("./pages/TransactionsPage"), "TransactionsPage");
const UnlockLoginPage = page(() => import("./pages/UnlockLoginPage"), "UnlockLoginPage");

// The guard shows "access denied" pages of its own; it is needed only inside a company.
const PermissionGate = lazy(() =>
  import("./components/PermissionGate").then((module) => ({ default: module.PermissionGate })),
);

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
    <ConfigProvider theme={portalTheme}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          {/* Inside the router: the Email Verification window links to the profile. */}
          <StepUpProvider>
            <Suspense fallback={<FullPageSpinner />}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/forgot-password" element={<ForgotPasswordPage />} />
                <Route path="/reset-password" element={<ResetPasswordPage />} />
                <Route path="/unlock-login" element={<UnlockLoginPage />} />
                <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
                <Route path="/" element={<CompanyRedirectPage />} />
                <Route element={<PortalLayout />}>
                  <Route
                    path="/profile"
                    element={
                      <Suspense fallback={<SectionSpinner />}>
                        <ProfilePage />
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
