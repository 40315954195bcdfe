// `/unlock-login#token=…` (public): the emailed unlock link of a paused login (rule 14). One click lets
// this browser log in once past the pause; the token rides in the fragment and leaves the address bar at once.
import { Alert, Button, Typography } from "antd";
import { type ReactNode, useEffectEvent, useLayoutEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { useUnlockLogin } from "../api/queries";
import { describeError } from "../components/errorMessages";
import { formatTime } from "../components/formatDateTime";
import { readFragmentToken, removeFragmentFromAddressBar } from "../components/fragmentToken";
import { useDocumentTitle } from "../components/PageTitle";
import { PublicCard } from "../components/PublicCard";

function InvalidLink() {
  return (
    <>
      <Alert type="error" showIcon message="This unlock link is invalid, used or expired." />
      <Typography.Paragraph style={{ marginTop: 16 }}>
        The pause ends by itself after 30 minutes. To get in sooner,{" "}
        <Link to="/forgot-password">choose a new password</Link>.
      </Typography.Paragraph>
    </>
  );
}

export function UnlockLoginPage() {
  // Read during the first render; the fragment leaves the address bar right after it.
  const [token, setToken] = useState(readFragmentToken);
  const unlock = useUnlockLogin();
  const navigate = useNavigate();
  useDocumentTitle("Unlock login");

  const takeTokenFromAddressBar = useEffectEvent(() => {
    const fresh = readFragmentToken();
    if (fresh !== null) {
      setToken(fresh);
      if (!unlock.isIdle) unlock.reset();
    }
    removeFragmentFromAddressBar();
  });

  useLayoutEffect(() => {
    takeTokenFromAddressBar();
    const onHashChange = () => takeTokenFromAddressBar();
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  const error = unlock.error;
  const isLinkDead = token === null || (isApiError(error) && error.code === "unlock_link_invalid");

  let body: ReactNode;
  if (unlock.isSuccess) {
    body = (
      <>
        <Alert
          type="success"
          showIcon
          message="Login unlocked on this browser"
          description={`Log in as ${unlock.data.email} from this browser before ${formatTime(unlock.data.validUntil)}.`}
        />
        <Button
          type="primary"
          block
          style={{ marginTop: 16 }}
          onClick={() => navigate("/login", { state: { email: unlock.data.email } })}
        >
          Continue to log in
        </Button>
      </>
    );
  } else if (isLinkDead) {
    body = <InvalidLink />;
  } else {
    body = (
      <>
        {unlock.isError && (
          <Alert type="error" showIcon message={describeError(error)} style={{ marginBottom: 16 }} />
        )}
        <Typography.Paragraph>
          Logins to your account were paused after many wrong passwords. Unlock it on this browser to log in
          from here now; the link works once, and only in the browser that uses it.
        </Typography.Paragraph>
        <Button
          type="primary"
          block
          loading={unlock.isPending}
          onClick={() => unlock.mutate({ token })}
          aria-label="Unlock login on this browser"
        >
          Unlock login on this browser
        </Button>
      </>
    );
  }

  return <PublicCard title="Unlock login">{body}</PublicCard>;
}
