// The application: data cache, step-up verification, router, and the route table built from
// navigation.ts. Every section route is wrapped in the permission guard of its navigation entry.
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import type { ComponentType } from "react";
import { BrowserRouter, Route, Routes } from "react-router-dom";
import { isApiError } from "./api/client";
import { queryKeys } from "./api/queries";
import { CompanyScope } from "./components/CompanyScope";
import { PermissionGate } from "./components/PermissionGate";
import { PortalLayout } from "./components/PortalLayout";
import { StandaloneMain } from "./components/SkipLink";
import { StepUpProvider } from "./components/StepUpProvider";
import { type NavigationEntry, type NavigationKey, navigationEntries } from "./navigation";
import { AcceptInvitationPage } from "./pages/AcceptInvitationPage";
import { AccountInfoPage } from "./pages/AccountInfoPage";
import { AuditLogPage } from "./pages/AuditLogPage";
import { CompanyInfoPage } from "./pages/CompanyInfoPage";
import { CompanyRedirectPage } from "./pages/CompanyRedirectPage";
import { DeveloperCenterPage } from "./pages/DeveloperCenterPage";
import { ForgotPasswordPage } from "./pages/ForgotPasswordPage";
import { HomePage } from "./pages/HomePage";
import { InsightsPage } from "./pages/InsightsPage";
import { LoginPage } from "./pages/LoginPage";
import { MemberDetailPage } from "./pages/MemberDetailPage";
import { MemberListPage } from "./pages/MemberListPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProfilePage } from "./pages/ProfilePage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { RolesPage } from "./pages/RolesPage";
import { SecurityPolicyPage } from "./pages/SecurityPolicyPage";
import { SettlementsPage } from "./pages/SettlementsPage";
import { TransactionsPage } from "./pages/TransactionsPage";
import { UnlockLoginPage } from "./pages/UnlockLoginPage";
import { portalTheme } from "./theme";

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
    <PermissionGate entry={entry}>
      <Page />
    </PermissionGate>
  );
}

export function App() {
  return (
    <ConfigProvider theme={portalTheme}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            {/* Inside the router: the Email Verification window links to the profile. */}
            <StepUpProvider>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/forgot-password" element={<ForgotPasswordPage />} />
                <Route path="/reset-password" element={<ResetPasswordPage />} />
                <Route path="/unlock-login" element={<UnlockLoginPage />} />
                <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
                <Route path="/" element={<CompanyRedirectPage />} />
                <Route element={<PortalLayout />}>
                  <Route path="/profile" element={<ProfilePage />} />
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
                        <PermissionGate entry={memberListEntry}>
                          <MemberDetailPage />
                        </PermissionGate>
                      }
                    />
                    <Route path="*" element={<NotFoundPage />} />
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
            </StepUpProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
