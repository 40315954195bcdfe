// `/login`: email and password; on success into the portal (back to the page that asked
// for a login, else the first company). An account with a second factor then gets the second step.
// `Forgot password?` leads to the reset request. The unlock page sends its person here with their
// email filled in.
import { Alert, Button, Flex, theme } from "antd";
// The input components themselves: antd's Input carries TextArea, Search and OTP along.
import Input from "antd/es/input/Input";
import Password from "antd/es/input/Password";
import type { TFunction } from "i18next";
import { type ChangeEvent, type FormEvent, lazy, type ReactNode, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { useLogin } from "../api/queries";
import type { LoginRequest, MfaRequired } from "../api/types";
import { PublicCard } from "../components/PublicCard";
import { PasskeyLoginButton } from "../components/passkeys/PasskeyLoginButton";
import { SsoLoginButton, ssoErrorText } from "../components/SsoLoginButton";

// The second step is loaded when a login asks for it: most logins never show it.
const SecondStepForm = lazy(() =>
  import("../components/SecondStepForm").then((module) => ({ default: module.SecondStepForm })),
);

function loginErrorMessage(error: unknown, t: TFunction<"auth">): { message: string; description?: string } {
  if (!isApiError(error)) return { message: t("login.somethingWrong") };
  if (error.status === 429) {
    const minutes =
      error.retryAfterSeconds === null ? null : Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
    // Said alike for every email: whether a mail went out depends on an account existing.
    const unlockHint = t("login.unlockHint");
    return {
      message: t("login.tooManyAttempts"),
      description:
        minutes === null ? unlockHint : t("login.tryAgainInMinutes", { minutes, hint: unlockHint }),
    };
  }
  if (error.status === 401) return { message: error.message || t("login.invalidCredentials") };
  if (error.code === "sso_required") {
    return { message: t("login.ssoRequired"), description: error.message };
  }
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

type Field = keyof LoginRequest;
type FieldErrors = Partial<Record<Field, string>>;

/** The rules Ant Design's Form applied here: a non-blank email and a password. */
function validate(values: LoginRequest, t: TFunction<"auth">): FieldErrors {
  const errors: FieldErrors = {};
  if (values.email.trim() === "") errors.email = t("login.enterEmail");
  if (values.password === "") errors.password = t("login.enterPassword");
  return errors;
}

/** A label above its input and the field's error below, drawn as Ant Design's vertical form does. */
function FormField({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error: string | undefined;
  children: ReactNode;
}) {
  const { token } = theme.useToken();
  return (
    <div style={{ marginBottom: error ? 0 : token.marginLG }}>
      <div style={{ paddingBottom: token.paddingXS, lineHeight: token.lineHeight }}>
        <label htmlFor={id} style={{ color: token.colorTextHeading, fontSize: token.fontSize }}>
          {label}
        </label>
      </div>
      {children}
      {error && (
        <div id={`${id}_help`} role="alert" style={{ color: token.colorError, minHeight: token.marginLG }}>
          {error}
        </div>
      )}
    </div>
  );
}

// A plain form rather than Ant Design's Form: its Form brings a validation library, tooltips and
// the grid into the login page's code for two required fields.
export function LoginPage() {
  const { t } = useTranslation("auth");
  const login = useLogin();
  const { token } = theme.useToken();
  const navigate = useNavigate();
  const location = useLocation();
  const [values, setValues] = useState<LoginRequest>(() => ({
    email: knownEmail(location.state) ?? "",
    password: "",
  }));
  const [errors, setErrors] = useState<FieldErrors>({});

  const [secondStep, setSecondStep] = useState<MfaRequired | null>(null);
  const [restartReason, setRestartReason] = useState<string | null>(null);
  const enterPortal = () => navigate(returnPath(location.state), { replace: true });

  const change = (field: Field) => (event: ChangeEvent<HTMLInputElement>) => {
    const next = { ...values, [field]: event.target.value };
    setValues(next);
    // Once shown, a field's error follows what is typed.
    if (errors[field] !== undefined) setErrors((shown) => ({ ...shown, [field]: validate(next, t)[field] }));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(values, t);
    setErrors(found);
    if (found.email !== undefined || found.password !== undefined) return;
    setRestartReason(null);
    login.mutate(values, {
      onSuccess: (answer) => {
        if ("mfaRequired" in answer) setSecondStep(answer);
        else enterPortal();
      },
    });
  };
  // A single sign-on that came back refused says why (server/sso/login.ts's reasons).
  const ssoRefusal = ssoErrorText(new URLSearchParams(location.search).get("sso_error"), t);
  const failure = login.isError
    ? loginErrorMessage(login.error, t)
    : restartReason !== null
      ? { message: restartReason }
      : ssoRefusal !== null
        ? { message: t("login.ssoFailed"), description: ssoRefusal }
        : null;

  if (secondStep !== null) {
    return (
      <PublicCard>
        <h2 style={{ fontSize: 20, marginTop: 0, color: token.colorTextHeading }}>
          {t("login.twoFactorHeading")}
        </h2>
        <Suspense fallback={null}>
          <SecondStepForm
            methods={secondStep.methods}
            onDone={enterPortal}
            onRestart={(reason) => {
              login.reset();
              setRestartReason(reason);
              setSecondStep(null);
            }}
            passkeyAction={
              secondStep.methods.includes("passkey") ? (
                <PasskeyLoginButton onSignedIn={enterPortal} />
              ) : undefined
            }
          />
        </Suspense>
      </PublicCard>
    );
  }

  return (
    <PublicCard>
      <p style={{ marginTop: 0, marginBottom: "1em", color: token.colorTextSecondary }}>{t("login.intro")}</p>
      {failure && (
        <Alert
          type="error"
          showIcon
          message={failure.message}
          description={failure.description}
          style={{ marginBottom: 16 }}
        />
      )}
      <form name="login" noValidate onSubmit={onSubmit}>
        <FormField id="login_email" label={t("login.email")} error={errors.email}>
          <Input
            id="login_email"
            value={values.email}
            onChange={change("email")}
            status={errors.email ? "error" : undefined}
            aria-invalid={errors.email !== undefined}
            aria-describedby={errors.email ? "login_email_help" : undefined}
            inputMode="email"
            autoComplete="username"
            spellCheck={false}
            autoFocus
          />
        </FormField>
        <FormField id="login_password" label={t("login.password")} error={errors.password}>
          <Password
            id="login_password"
            value={values.password}
            onChange={change("password")}
            status={errors.password ? "error" : undefined}
            aria-invalid={errors.password !== undefined}
            aria-describedby={errors.password ? "login_password_help" : undefined}
            autoComplete="current-password"
          />
        </FormField>
        <Flex justify="flex-end" style={{ marginTop: -8, marginBottom: 16 }}>
          <Link to="/forgot-password">{t("login.forgotPassword")}</Link>
        </Flex>
        {/* While loading, antd adds a "loading" icon to the button's content; the explicit
            label keeps its accessible name exactly "Log in". */}
        <Button
          type="primary"
          htmlType="submit"
          block
          loading={login.isPending}
          aria-label={t("login.submit")}
        >
          {t("login.submit")}
        </Button>
      </form>
      <SsoLoginButton
        email={values.email}
        onMissingEmail={() => setErrors((shown) => ({ ...shown, email: t("login.enterEmail") }))}
      />
      <PasskeyLoginButton onSignedIn={enterPortal} />
    </PublicCard>
  );
}
