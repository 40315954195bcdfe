// The "Email Verification" window (SPEC rule 7, §6.1): as it opens it has a code mailed to the
// account's alternate email (else its primary one), or gets back the code already pending when it is
// reopened; it says where and when the code went, checks the code typed and reports the outcome.
// An account with an authenticator app is asked for the app's code instead (§6.2): nothing is mailed.
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Flex, Form, type InputRef, Modal, Typography } from "antd";
import { useEffect, useEffectEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router-dom";
import { isApiError } from "../api/client";
import { meQuery, useStartStepUp, useVerifyStepUp } from "../api/queries";
import type { EmailCodeChallenge } from "../api/types";
import { type CodeErrorDescription, describeCodeError, describeError } from "./errorMessages";
import { formatTime } from "./formatDateTime";
import { OneTimeCodeField } from "./OneTimeCodeField";
import { PasskeyStepUp } from "./passkeys/PasskeyStepUp";
import { formatCountdown, useSecondsUntil } from "./useSecondsUntil";

const PROFILE_PATH = "/profile";

interface CodeForm {
  code: string;
}

/** When a 429 says how long to wait, no new code is asked for before then. */
function retryDeadline(error: unknown): number | null {
  return isApiError(error) && error.status === 429 && error.retryAfterSeconds !== null
    ? Date.now() + error.retryAfterSeconds * 1000
    : null;
}

export function EmailVerificationModal({
  open,
  companyId,
  onVerified,
  onCancel,
}: {
  open: boolean;
  /** The company whose action needs the verification; null for account-level changes. */
  companyId: string | null;
  /** The session passed step-up (and the server rotated its cookie). */
  onVerified: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation("verification");
  const startStepUp = useStartStepUp();
  const verifyStepUp = useVerifyStepUp();
  const [form] = Form.useForm<CodeForm>();
  const [challenge, setChallenge] = useState<EmailCodeChallenge | null>(null);
  const [resendAt, setResendAt] = useState<number | null>(null);
  const [failure, setFailure] = useState<CodeErrorDescription | null>(null);
  const secondsUntilResend = useSecondsUntil(resendAt);
  const codeInput = useRef<InputRef>(null);
  const formId = useId();
  const countdownId = useId();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const me = useQuery({ ...meQuery, enabled: open });
  // Codes go to the login email when no alternate one is set; the profile is where to set one.
  const isByApp = challenge?.method === "totp";
  const offersAlternateEmail =
    !isByApp && me.data !== undefined && me.data.account.alternateEmail === null && pathname !== PROFILE_PATH;

  // The code field is never disabled, so it can hold the focus while buttons disable or vanish
  // (focus on <body> would leave the window deaf to Escape and Enter).
  const focusCodeInput = () => codeInput.current?.focus();

  /**
   * Opening the window asks for the pending code back (a reopened window is not refused and the
   * mailed code keeps working); "Resend code" asks for a new one, which voids the old.
   */
  const sendCode = (isResend: boolean) => {
    setFailure(null);
    form.resetFields();
    focusCodeInput();
    const request = { ...(companyId !== null ? { companyId } : {}), ...(isResend ? { resend: true } : {}) };
    startStepUp.mutate(request, {
      onSuccess: (next) => {
        setChallenge(next);
        setResendAt(next.resendAvailableAt ? Date.parse(next.resendAvailableAt) : null);
      },
      onError: (error) => {
        setFailure({ message: describeError(error), needsNewCode: false });
        setResendAt(retryDeadline(error));
      },
    });
  };

  const clear = () => {
    setChallenge(null);
    setResendAt(null);
    setFailure(null);
    form.resetFields();
    startStepUp.reset();
    verifyStepUp.reset();
  };

  const beginVerification = useEffectEvent(() => {
    clear();
    sendCode(false);
  });

  // One code per opening, also when StrictMode runs the effect twice.
  const isCodeRequested = useRef(false);
  useEffect(() => {
    if (!open) {
      isCodeRequested.current = false;
      return;
    }
    if (!isCodeRequested.current) {
      isCodeRequested.current = true;
      beginVerification();
    }
    // The window is shown a frame after `open`; the focus goes in then rather than after its opening
    // animation, so Escape and Enter work from the first moment.
    const frame = window.requestAnimationFrame(() => codeInput.current?.focus());
    return () => window.cancelAnimationFrame(frame);
  }, [open]);

  // An account with a passkey is asked for it instead of a mailed code (SPEC §6.2).
  const isPasskey = challenge?.method === "passkey";
  const isSending = startStepUp.isPending;
  const canResend = !isSending && secondsUntilResend === 0;
  const canVerify = challenge !== null && !isSending && !failure?.needsNewCode;
  const resendCode = () => sendCode(true);

  const setAlternateEmail = () => {
    onCancel();
    navigate(PROFILE_PATH);
  };

  const verify = ({ code }: CodeForm) => {
    // Enter in the field submits even while the Verify button is disabled or busy.
    if (!canVerify || verifyStepUp.isPending) return;
    setFailure(null);
    verifyStepUp.mutate(
      { challengeId: challenge.challengeId, code },
      {
        onSuccess: () => onVerified(),
        onError: (error) => {
          const description = describeCodeError(error);
          setFailure(description);
          const deadline = retryDeadline(error);
          if (deadline !== null) setResendAt(deadline);
          if (description.needsNewCode) form.resetFields();
          focusCodeInput();
          codeInput.current?.select();
        },
      },
    );
  };

  // A new code arrived: the cursor goes where it is typed.
  useEffect(() => {
    if (challenge !== null) codeInput.current?.focus();
  }, [challenge]);

  return (
    <>
      <Modal
        title={t("title")}
        // Above the window whose action it guards, whichever of the two was first put in the page.
        zIndex={1001}
        open={open}
        onCancel={onCancel}
        afterClose={clear}
        maskClosable={false}
        footer={[
          <Button key="cancel" onClick={onCancel}>
            {t("cancel")}
          </Button>,
          // The explicit label keeps the name exactly "Verify" while antd adds its loading icon.
          !isPasskey && (
            <Button
              key="verify"
              type="primary"
              htmlType="submit"
              form={formId}
              aria-label={t("verify")}
              loading={verifyStepUp.isPending}
              disabled={!canVerify}
            >
              {t("verify")}
            </Button>
          ),
        ]}
      >
        {isPasskey && (
          <PasskeyStepUp challenge={challenge} onVerified={onVerified} onRetry={() => sendCode(false)} />
        )}
        <Typography.Paragraph hidden={isPasskey}>
          {challenge !== null && isByApp
            ? t("enterAppCode")
            : challenge?.sentAt !== undefined
              ? t("enterSentCode", { sentTo: challenge.sentTo, time: formatTime(challenge.sentAt) })
              : startStepUp.isError
                ? t("couldNotSend")
                : t("sending")}
        </Typography.Paragraph>
        <Form<CodeForm>
          hidden={isPasskey}
          form={form}
          name="email-verification"
          id={formId}
          layout="vertical"
          requiredMark={false}
          onFinish={verify}
        >
          <OneTimeCodeField label={t("codeLabel")} inputRef={codeInput} />
        </Form>
        {failure !== null && (
          <Alert
            type="error"
            showIcon
            message={failure.message}
            style={{ marginBottom: 16 }}
            action={
              failure.needsNewCode && (
                <Button size="small" onClick={resendCode} disabled={!canResend}>
                  {isByApp ? t("tryAgain") : t("sendNewCode")}
                </Button>
              )
            }
          />
        )}
        {/* A code from the app is never sent, so there is nothing to resend. */}
        {!isByApp && !isPasskey && (
          <Flex align="center" gap="small" wrap>
            <Typography.Text type="secondary">{t("didNotGet")}</Typography.Text>
            <Button
              onClick={resendCode}
              disabled={!canResend}
              loading={isSending}
              aria-label={t("resendCode")}
              aria-describedby={secondsUntilResend > 0 ? countdownId : undefined}
            >
              {t("resendCode")}
            </Button>
            {secondsUntilResend > 0 && (
              <Typography.Text type="secondary" id={countdownId}>
                {t("availableIn", { countdown: formatCountdown(secondsUntilResend) })}
              </Typography.Text>
            )}
          </Flex>
        )}
        {offersAlternateEmail && !isPasskey && (
          <Flex align="center" gap="small" wrap style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">{t("noAlternateEmail")}</Typography.Text>
            <Button type="link" onClick={setAlternateEmail} style={{ paddingInline: 0 }}>
              {t("setAlternateEmail")}
            </Button>
          </Flex>
        )}
      </Modal>
    </>
  );
}
