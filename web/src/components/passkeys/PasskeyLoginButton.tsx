// The login page's "Sign in with a passkey": the browser offers the site's passkeys, and the one
// chosen signs in without an email or password.
import { Alert, Button } from "antd";
import { useTranslation } from "react-i18next";
import { usePasskeyLogin } from "../../api/passkeyQueries";
import { describePasskeyError } from "./describePasskeyError";

export function PasskeyLoginButton({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation("auth");
  const login = usePasskeyLogin();
  return (
    <>
      {login.isError && (
        <Alert type="error" showIcon message={describePasskeyError(login.error)} style={{ marginTop: 16 }} />
      )}
      <Button
        block
        style={{ marginTop: 12 }}
        loading={login.isPending}
        aria-label={t("passkey.signIn")}
        onClick={() => login.mutate(undefined, { onSuccess: onSignedIn })}
      >
        {t("passkey.signIn")}
      </Button>
    </>
  );
}
