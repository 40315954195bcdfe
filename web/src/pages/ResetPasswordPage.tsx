// `/reset-password#token=…` (public): sets a new password with the token of the emailed link. The
// token rides in the fragment, which no request or Referer carries, and leaves the address bar at once.
import { Alert, Button, Form, Typography } from "antd";
import { type ReactNode, useEffectEvent, useLayoutEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { isApiError } from "../api/client";
import { useConfirmPasswordReset } from "../api/queries";
import { describeError } from "../components/errorMessages";
import { readFragmentToken, removeFragmentFromAddressBar } from "../components/fragmentToken";
import { NewPasswordFields } from "../components/NewPasswordFields";
import { useDocumentTitle } from "../components/PageTitle";
import { PublicCard } from "../components/PublicCard";

interface ResetForm {
  password: string;
  confirmPassword: string;
}

function InvalidLink() {
  const { t } = useTranslation("auth");
  return (
    <>
      <Alert type="error" showIcon message={t("reset.invalidLink")} />
      <Typography.Paragraph style={{ marginTop: 16 }}>
        <Link to="/forgot-password">{t("reset.requestNew")}</Link>
      </Typography.Paragraph>
    </>
  );
}

export function ResetPasswordPage() {
  // Read during the first render; the fragment leaves the address bar right after it.
  const [token, setToken] = useState(readFragmentToken);
  const { t } = useTranslation("auth");
  const confirmReset = useConfirmPasswordReset();
  useDocumentTitle(t("reset.title"));

  // A link opened again in this tab changes only the fragment: no reload, so it is picked up here
  // and the page starts over with it.
  const takeTokenFromAddressBar = useEffectEvent(() => {
    const fresh = readFragmentToken();
    if (fresh !== null) {
      setToken(fresh);
      if (!confirmReset.isIdle) confirmReset.reset();
    }
    removeFragmentFromAddressBar();
  });

  useLayoutEffect(() => {
    takeTokenFromAddressBar();
    const onHashChange = () => takeTokenFromAddressBar();
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  const error = confirmReset.error;
  const isLinkDead = token === null || (isApiError(error) && error.code === "reset_token_invalid");

  let body: ReactNode;
  if (confirmReset.isSuccess) {
    body = (
      <>
        <Alert type="success" showIcon message={t("reset.done")} />
        <Typography.Paragraph style={{ marginTop: 16 }}>
          <Link to="/login">{t("login.submit")}</Link>
        </Typography.Paragraph>
      </>
    );
  } else if (isLinkDead) {
    body = <InvalidLink />;
  } else {
    body = (
      <>
        {confirmReset.isError && (
          <Alert type="error" showIcon message={describeError(error)} style={{ marginBottom: 16 }} />
        )}
        <Form<ResetForm>
          name="reset-password"
          layout="vertical"
          requiredMark={false}
          onFinish={({ password }) => confirmReset.mutate({ token, password })}
        >
          <NewPasswordFields name="password" confirmName="confirmPassword" />
          <Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              block
              loading={confirmReset.isPending}
              aria-label={t("reset.submit")}
            >
              {t("reset.submit")}
            </Button>
          </Form.Item>
        </Form>
      </>
    );
  }

  return <PublicCard title={t("reset.title")}>{body}</PublicCard>;
}
