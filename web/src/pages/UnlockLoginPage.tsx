// `/unlock-login#token=…` (public): the emailed unlock link of a paused login (rule 14). One click lets
// this browser log in once past the pause; the token rides in the fragment and leaves the address bar at once.
import { Alert, Button, Typography } from "antd";
import { type ReactNode, useEffectEvent, useLayoutEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { useUnlockLogin } from "../api/queries";
import { describeError } from "../components/errorMessages";
import { formatTime } from "../components/formatDateTime";
import { readFragmentToken, removeFragmentFromAddressBar } from "../components/fragmentToken";
import { useDocumentTitle } from "../components/PageTitle";
import { PublicCard } from "../components/PublicCard";

function InvalidLink() {
  const { t } = useTranslation("auth");
  return (
    <>
      <Alert type="error" showIcon message={t("unlock.invalidLink")} />
      <Typography.Paragraph style={{ marginTop: 16 }}>
        <Trans t={t} i18nKey="unlock.pauseEnds" components={{ resetLink: <Link to="/forgot-password" /> }} />
      </Typography.Paragraph>
    </>
  );
}

export function UnlockLoginPage() {
  // Read during the first render; the fragment leaves the address bar right after it.
  const [token, setToken] = useState(readFragmentToken);
  const unlock = useUnlockLogin();
  const navigate = useNavigate();
  const { t } = useTranslation("auth");
  useDocumentTitle(t("unlock.title"));

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
          message={t("unlock.done")}
          description={t("unlock.doneDetail", {
            email: unlock.data.email,
            time: formatTime(unlock.data.validUntil),
          })}
        />
        <Button
          type="primary"
          block
          style={{ marginTop: 16 }}
          onClick={() => navigate("/login", { state: { email: unlock.data.email } })}
        >
          {t("unlock.continue")}
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
        <Typography.Paragraph>{t("unlock.intro")}</Typography.Paragraph>
        <Button
          type="primary"
          block
          loading={unlock.isPending}
          onClick={() => unlock.mutate({ token })}
          aria-label={t("unlock.submit")}
        >
          {t("unlock.submit")}
        </Button>
      </>
    );
  }

  return <PublicCard title={t("unlock.title")}>{body}</PublicCard>;
}
