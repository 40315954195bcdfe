// The login page's "Sign in with a passkey": the browser offers the site's passkeys, and the one
// chosen signs in without an email or password.
import { Alert, Button } from "antd";
import { usePasskeyLogin } from "../../api/passkeyQueries";
import { describePasskeyError } from "./describePasskeyError";

export function PasskeyLoginButton({ onSignedIn }: { onSignedIn: () => void }) {
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
        aria-label="Sign in with a passkey"
        onClick={() => login.mutate(undefined, { onSuccess: onSignedIn })}
      >
        Sign in with a passkey
      </Button>
    </>
  );
}
