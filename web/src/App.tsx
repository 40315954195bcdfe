// The application: data cache, step-up verification, router, and the route table built from
// navigation.ts. Every section route is wrapped in the permission guard of its navigation entry.
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConfigProvider } from "antd";
import {
  type ComponentType,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
  useEffect,
} from "react";
import { BrowserRouter, Route, Routes, useLocation } from "react-router-dom";
import { isApiError } from "./api/client";
import { prefetchForAddress, queryKeys } from "./api/queries";
import { FullPageSpinner, SectionSpinner } from "./components/FullPageSpinner";
import { takeFragmentTokenAtStart } from "./components/fragmentToken";
import { ReducedMotion } from "./components/ReducedMotion";
import { StandaloneMain } from "./components/SkipLink";
import { StepUpProvider } from "./components/StepUpProvider";
import { i18nStarted, preloadNamespaces } from "./i18n";
import { useAntdLocale } from "./i18n/antdLocale";
import {
  findEntryByPath,
  type NavigationEntry,
  type NavigationKey,
  navigationEntries,
  pathInCompany,
} from "./navigation";
import { portalTheme } from "./theme";

// Each page is its own chunk, loaded when its route is first shown: the login page does not carry
// the portal's tables, forms and charts. The named export becomes the lazy component's default.
// Once a chunk is here its page renders in the same pass: a lazy component that suspends even on
// code already loaded costs a spinner, another render, and React's wait of up to 300 ms before it
// shows what was suspended.
const codeOf = new Map<object, () => Promise<unknown>>();
function page<Name extends string, Props extends object = object>(
  load: () => Promise<Record<Name, ComponentType<Props>>>,
  name: Name,
): LazyExoticComponent<ComponentType<Props>> {
  let loaded: ComponentType<Props> | undefined;
  let loading: Promise<ComponentType<Props>> | undefined;
  const fetchCode = () => {
    // A chunk that failed is fetched again when next asked for.
    loading ??= load().then(
      (module) => {
        loaded = module[name];
        return loaded;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  const Component = lazy(() =>
    loaded !== undefined ? resolvedNow({ default: loaded }) : fetchCode().then((code) => ({ default: code })),
  );
  codeOf.set(Component, fetchCode);
  return Component;
}

/** A thenable that hands over its value at once, so React's lazy reads it without suspending. */
function resolvedNow<T>(value: T): Promise<T> {
  const thenable = {
    // biome-ignore lint/suspicious/noThenProperty: React's lazy takes a thenable; this one calls back at once
    then(onFulfilled: (value: T) => unknown) {
      onFulfilled(value);
      return thenable;
    },
  };
  return thenable as unknown as Promise<T>;
}

const fetchCodeOf = (component: object) => codeOf.get(component)?.() ?? Promise.resolve();

// The portal's code (the layout, the guard and every section) is fetched once a portal page is
// open: the frame and the page asked for at once, in parallel, then the other sections when the
// browser is idle, so they neither queue before the page nor compete with its first render.
const portalPages: object[] = [];
function portalPage<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  const Component = page(load, name);
  portalPages.push(Component);
  return Component;
}
const whenIdle = (task: () => void) => {
  if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(task, { timeout: 2_000 });
  else window.setTimeout(task, 200);
};
const portalFrame = () => [PortalLayout, CompanyScope, PermissionGate].map(fetchCodeOf);
let isPortalPreloaded = false;
function preloadPortal(pathname: string) {
  const Page = pageAt(pathname);
  if (Page !== undefined) void fetchCodeOf(Page).catch(() => undefined);
  if (isPortalPreloaded) return;
  isPortalPreloaded = true;
  void preloadNamespaces();
  for (const code of portalFrame()) code.catch(() => undefined);
  whenIdle(() => {
    for (const component of portalPages) fetchCodeOf(component).catch(() => undefined);
  });
}

const AcceptInvitationPage = page(() => import("./pages/AcceptInvitationPage"), "AcceptInvitationPage");
const AccountInfoPage = portalPage(() => import("./pages/AccountInfoPage"), "AccountInfoPage");
const AuditLogPage = portalPage(() => import("./pages/AuditLogPage"), "AuditLogPage");
const CompanyInfoPage = portalPage(() => import("./pages/CompanyInfoPage"), "CompanyInfoPage");
const CompanyRedirectPage = portalPage(() => import("./pages/CompanyRedirectPage"), "CompanyRedirectPage");
const CompanyScope = portalPage(() => import("./components/CompanyScope"), "CompanyScope");
const DeveloperCenterPage = portalPage(() => import("./pages/DeveloperCenterPage"), "DeveloperCenterPage");
const ForgotPasswordPage = page(() => import("./pages/ForgotPasswordPage"), "ForgotPasswordPage");
const HomePage = portalPage(() => import("./pages/HomePage"), "HomePage");
const InsightsPage = portalPage(() => import("./pages/InsightsPage"), "InsightsPage");
const LoginPage = page(() => import("./pages/LoginPage"), "LoginPage");
const MemberDetailPage = portalPage(() => import("./pages/MemberDetailPage"), "MemberDetailPage");
const MemberListPage = portalPage(() => import("./pages/MemberListPage"), "MemberListPage");
const NotFoundPage = page(() => import("./pages/NotFoundPage"), "NotFoundPage");
const PortalLayout = portalPage(() => import("./components/PortalLayout"), "PortalLayout");
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
const PermissionGate = page(() => import("./components/PermissionGate"), "PermissionGate");

// An emailed link's token leaves the address bar now, not once its page's code has arrived.
takeFragmentTokenAtStart();

const PUBLIC_PATHS = [
  "/login",
  "/forgot-password",
  "/reset-password",
  "/unlock-login",
  "/invitations/accept",
];
const publicPageByPath: Record<string, object> = {
  "/login": LoginPage,
  "/forgot-password": ForgotPasswordPage,
  "/reset-password": ResetPasswordPage,
  "/unlock-login": UnlockLoginPage,
  "/invitations/accept": AcceptInvitationPage,
};

/** The page component the routes below show at `pathname` (undefined: none known). */
function pageAt(pathname: string): object | undefined {
  const publicPage = publicPageByPath[pathname];
  if (publicPage !== undefined) return publicPage;
  if (pathname === "/") return CompanyRedirectPage;
  if (pathname === "/profile") return ProfilePage;
  if (pathname === "/profile/security") return SecurityPage;
  const segment = /^\/c\/([^/]+)/.exec(pathname)?.[1];
  if (segment === undefined) return undefined;
  const path = pathInCompany(pathname, decodeURIComponent(segment));
  if (/^account\/members\/[^/]+$/.test(path)) return MemberDetailPage;
  const entry = findEntryByPath(path);
  return entry?.path === path ? pageByKey[entry.key] : NotFoundPage;
}

/**
 * Settles once what the first page at this address needs is here (or has failed): its code, its
 * words, and for a portal page the frame's code, the signed-in account and the page's first data,
 * all asked for at once. main.tsx renders then, in one pass, instead of through a spinner per level.
 */
export function firstPageReady(): Promise<unknown> {
  const { pathname, search } = window.location;
  const Page = pageAt(pathname);
  if (PUBLIC_PATHS.includes(pathname)) {
    return Promise.allSettled([i18nStarted, Page === undefined ? undefined : fetchCodeOf(Page)]);
  }
  // The account's request first: the browser opens six connections to a server, and the page's
  // code is some sixty files that would otherwise queue before it.
  const data = prefetchForAddress(queryClient, { pathname, search });
  preloadPortal(pathname);
  return Promise.allSettled([
    data,
    i18nStarted,
    preloadNamespaces(),
    ...portalFrame(),
    Page === undefined ? undefined : fetchCodeOf(Page),
  ]);
}

/** The portal's routes: once one renders (after a login, say), the rest of the portal is fetched. */
function Preloading({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, for the page first shown
  useEffect(() => preloadPortal(pathname), []);
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
    <ReducedMotion>
      {/* The first words of the page's language arrive before anything is drawn in it. */}
      <Suspense fallback={<FullPageSpinner />}>
        <LocalizedApp />
      </Suspense>
    </ReducedMotion>
  );
}

// Two Chinese characters stay one word on a button (取消, not antd's 取 消): the accessible name is
// the label itself.
const BUTTONS = { autoInsertSpace: false } as const;

function LocalizedApp() {
  const locale = useAntdLocale();
  return (
    <ConfigProvider theme={portalTheme} locale={locale} button={BUTTONS}>
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
