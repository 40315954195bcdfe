// `/login`: email and password; on success into the portal (back to the page that asked
// for a login, else the first company). `Forgot password?` leads to the reset request.
// The unlock page sends its person here with their email filled in.
import { Alert, Button, Flex, Form, theme } from "antd";
// The input components themselves: antd's Input carries TextArea, Search and OTP along.
import Input from "antd/es/input/Input";
import Password from "antd/es/input/Password";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { useLogin } from "../api/queries";
import type { LoginRequest } from "../api/types";
import { PublicCard } from "../components/PublicCard";
import { PasskeyLoginButton } from "../components/passkeys/PasskeyLoginButton";

function loginErrorMessage(error: unknown): { message: string; description?: string } {
  if (!isApiError(error)) return { message: "Something went wrong. Try again." };
  if (error.status === 429) {
    const minutes =
      error.retryAfterSeconds === null ? null : Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
    // Said alike for every email: whether a mail went out depends on an account existing.
    const unlockHint =
      "If logins to your account were paused, we emailed you a link that lets this browser log in now.";
    return {
      message: "Too many attempts, try again later",
      description:
        minutes === null ? unlockHint : `You can try again in about ${minutes} minute(s). ${unlockHint}`,
    };
  }
  if (error.status === 401) return { message: error.message || "Invalid email or password" };
  return { message: error.message };
}

/** The in-app path a redirect to /login came from; anything else is ignored. */
function returnPath(state: unknown): string {
  const from = (state as { from?: { pathname?: unknown; search?: unknown } } | null)?.from;
  const pathname = typeof from?.pathname === "string" ? from.pathname : "";
  const search = typeof from?.search === "string" ? from.search : "";
  return pathname.startsWith("/") && !pathname.startsWith("//") && pathname !== "/login"
    ? pathname + search
    : "/";
}

/** The email a page that sent the person here (the unlock page) already knows. */
function knownEmail(state: unknown): string | undefined {
  const email = (state as { email?: unknown } | null)?.email;
  return typeof email === "string" ? email : undefined;
}

export function LoginPage() {
  const login = useLogin();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const location = useLocation();

  const onFinish = (values: LoginRequest) => {
    login.mutate(values, { onSuccess: () => navigate(returnPath(location.state), { replace: true }) });
  };
  const failure = login.isError ? loginErrorMessage(login.error) : null;

  return (
    <PublicCard>
      <p style={{ marginTop: 0, marginBottom: "1em", color: token.colorTextSecondary }}>
        Log in to manage your company.
      </p>
      {failure && (
        <Alert
          type="error"
          showIcon
          message={failure.message}
          description={failure.description}
          style={{ marginBottom: 16 }}
        />
      )}
      <Form<LoginRequest>
        name="login"
        layout="vertical"
        requiredMark={false}
        initialValues={{ email: knownEmail(location.state) }}
        onFinish={onFinish}
      >
        <Form.Item
          label="Email"
          name="email"
          rules={[{ required: true, whitespace: true, message: "Enter your email" }]}
        >
          <Input inputMode="email" autoComplete="username" spellCheck={false} autoFocus />
        </Form.Item>
        <Form.Item
          label="Password"
          name="password"
          rules={[{ required: true, message: "Enter your password" }]}
        >
          <Password autoComplete="current-password" />
        </Form.Item>
        <Flex justify="flex-end" style={{ marginTop: -8, marginBottom: 16 }}>
          <Link to="/forgot-password">Forgot password?</Link>
        </Flex>
        {/* While loading, antd adds a "loading" icon to the button's content; the explicit
            label keeps its accessible name exactly "Log in". */}
        <Button type="primary" htmlType="submit" block loading={login.isPending} aria-label="Log in">
          Log in
        </Button>
      </Form>
      <PasskeyLoginButton onSignedIn={() => navigate(returnPath(location.state), { replace: true })} />
    </PublicCard>
  );
}
