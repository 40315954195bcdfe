// The login page's "Continue with SSO", always shown: it asks the server for the email domain's
// identity provider and leaves for it; a domain without one is told so. It also explains why a
// single sign-on came back refused (`/login?sso_error=<reason>`).
import { Alert, Button } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { isApiError } from "../api/client";
import { useStartSsoLogin } from "../api/ssoQueries";

/** The refusal reasons of server/sso/login.ts; each has its text in the `auth` catalogue. */
const SSO_ERROR_REASONS = new Set([
  "sso_not_enabled",
  "invalid_email",
  "domain_not_verified",
  "no_role_mapped",
  "member_deactivated",
  "idp_error",
  "invalid_response",
  "expired",
]);

/** What a refusal reason means to the person, in the page's language. */
export function ssoErrorText(reason: string | null, t: TFunction<"auth">): string | null {
  if (reason === null) return null;
  return SSO_ERROR_REASONS.has(reason) ? t(`sso.errors.${reason}`) : t("sso.errors.unknown");
}

export function SsoLoginButton({ email, onMissingEmail }: { email: string; onMissingEmail: () => void }) {
  const { t } = useTranslation("auth");
  const start = useStartSsoLogin();
  const failure = start.isError
    ? isApiError(start.error) && start.error.code === "sso_not_available"
      ? t("sso.notAvailable")
      : isApiError(start.error)
        ? start.error.message
        : t("login.somethingWrong")
    : null;
  return (
    <>
      {failure && <Alert type="warning" showIcon message={failure} style={{ marginTop: 16 }} />}
      <Button
        block
        style={{ marginTop: 12 }}
        loading={start.isPending || start.isSuccess}
        aria-label={t("sso.continue")}
        onClick={() => {
          if (email.trim() === "") onMissingEmail();
          else start.mutate(email.trim());
        }}
      >
        {t("sso.continue")}
      </Button>
    </>
  );
}
