// `/invitations/accept#token=…` (public): the page an invitation email links to. The token rides in
// the fragment, which no request or Referer carries, and leaves the address bar at once.
import { useEffectEvent, useLayoutEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { readFragmentToken, removeFragmentFromAddressBar } from "../components/fragmentToken";
import { AcceptInvitationPanel } from "../components/invitations/AcceptInvitationPanel";
import { InvitationClosedResult } from "../components/invitations/InvitationClosedResult";
import { useDocumentTitle } from "../components/PageTitle";
import { PublicCard } from "../components/PublicCard";

export function AcceptInvitationPage() {
  // Read during the first render; the fragment leaves the address bar right after it.
  const { t } = useTranslation("invitations");
  const [token, setToken] = useState(readFragmentToken);
  // Bumped after a log out: the panel starts over, reading the link and the (absent) session afresh.
  const [attempt, setAttempt] = useState(0);
  useDocumentTitle(t("accept.pageTitle"));

  // A link opened again in this tab changes only the fragment: no reload, so it is picked up here.
  const takeTokenFromAddressBar = useEffectEvent(() => {
    const fresh = readFragmentToken();
    if (fresh !== null) setToken(fresh);
    removeFragmentFromAddressBar();
  });

  useLayoutEffect(() => {
    takeTokenFromAddressBar();
    const onHashChange = () => takeTokenFromAddressBar();
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  return (
    <>
      <PublicCard title={t("accept.cardTitle")}>
        {token === null ? (
          <InvitationClosedResult code="missing_token" />
        ) : (
          <AcceptInvitationPanel
            key={`${token}:${attempt}`}
            token={token}
            onLoggedOut={() => setAttempt((count) => count + 1)}
          />
        )}
      </PublicCard>
    </>
  );
}
