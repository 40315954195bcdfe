// The login page's "Continue with SSO", always shown: it asks the server for the email domain's
// identity provider and leaves for it; a domain without one is told so. It also explains why a
// single sign-on came back refused (`/login?sso_error=<reason>`).
import { Alert, Button } from "antd";
import { isApiError } from "../api/client";
import { useStartSsoLogin } from "../api/ssoQueries";

/** What each refusal reason of server/sso/login.ts means to the person. */
export const SSO_ERROR_TEXT: Record<string, string> = {
  sso_not_enabled: "Single sign-on is not enabled for your company.",
  invalid_email: "Your identity provider did not give a valid email address.",
  domain_not_verified:
    "Your email's domain is not a verified domain of the company your identity provider signs in to.",
  no_role_mapped:
    "None of your identity provider groups gives you a role in this company, and it has no default role. Ask your administrator.",
  member_deactivated: "Your membership in this company is deactivated. Ask an Admin to reactivate you.",
  idp_error: "Your identity provider did not sign you in.",
  invalid_response: "The answer from your identity provider could not be trusted. Start again.",
  expired: "The sign-in took too long or was started in another browser. Start again.",
};

export function ssoErrorText(reason: string | null): string | null {
  if (reason === null) return null;
  return SSO_ERROR_TEXT[reason] ?? "Single sign-on did not let you in. Start again.";
}

export function SsoLoginButton({ email, onMissingEmail }: { email: string; onMissingEmail: () => void }) {
  const start = useStartSsoLogin();
  const failure = start.isError
    ? isApiError(start.error) && start.error.code === "sso_not_available"
      ? "Single sign-on is not set up for this email's domain. Log in with your password."
      : isApiError(start.error)
        ? start.error.message
        : "Something went wrong. Try again."
    : null;
  return (
    <>
      {failure && <Alert type="warning" showIcon message={failure} style={{ marginTop: 16 }} />}
      <Button
        block
        style={{ marginTop: 12 }}
        loading={start.isPending || start.isSuccess}
        aria-label="Continue with SSO"
        onClick={() => {
          if (email.trim() === "") onMissingEmail();
          else start.mutate(email.trim());
        }}
      >
        Continue with SSO
      </Button>
    </>
  );
}
