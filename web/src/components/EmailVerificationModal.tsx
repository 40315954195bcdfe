// The "Email Verification" window (SPEC rule 7): as it opens it has a code mailed to the account's
// alternate email (else its primary one), then checks the code the user types and reports the outcome.
import { Alert, Button, Flex, Form, type InputRef, Modal, Typography } from "antd";
import { useEffect, useEffectEvent, useId, useRef, useState } from "react";
import { isApiError } from "../api/client";
import { useStartStepUp, useVerifyStepUp } from "../api/queries";
import type { EmailCodeChallenge } from "../api/types";
import { type CodeErrorDescription, describeCodeError, describeError } from "./errorMessages";
import { OneTimeCodeField } from "./OneTimeCodeField";
import { formatCountdown, useSecondsUntil } from "./useSecondsUntil";

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
  onVerified,
  onCancel,
}: {
  open: boolean;
  /** The session passed step-up (and the server rotated its cookie). */
  onVerified: () => void;
  onCancel: () => void;
}) {
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

  // The code field is never disabled, so it can hold the focus while buttons disable or vanish
  // (focus on <body> would leave the window deaf to Escape and Enter).
  const focusCodeInput = () => codeInput.current?.focus();

  const sendCode = () => {
    setFailure(null);
    form.resetFields();
    focusCodeInput();
    startStepUp.mutate(undefined, {
      onSuccess: (next) => {
        setChallenge(next);
        setResendAt(Date.parse(next.resendAvailableAt));
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
    sendCode();
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

  const isSending = startStepUp.isPending;
  const canResend = !isSending && secondsUntilResend === 0;
  const canVerify = challenge !== null && !isSending && !failure?.needsNewCode;

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
    <Modal
      title="Email Verification"
      open={open}
      onCancel={onCancel}
      afterClose={clear}
      maskClosable={false}
      footer={[
        <Button key="cancel" onClick={onCancel}>
          Cancel
        </Button>,
        // The explicit label keeps the name exactly "Verify" while antd adds its loading icon.
        <Button
          key="verify"
          type="primary"
          htmlType="submit"
          form={formId}
          aria-label="Verify"
          loading={verifyStepUp.isPending}
          disabled={!canVerify}
        >
          Verify
        </Button>,
      ]}
    >
      <Typography.Paragraph>
        {challenge !== null
          ? `Enter the verification code sent to ${challenge.sentTo}`
          : startStepUp.isError
            ? "We could not send a verification code."
            : "Sending a verification code to your email…"}
      </Typography.Paragraph>
      <Form<CodeForm>
        form={form}
        name="email-verification"
        id={formId}
        layout="vertical"
        requiredMark={false}
        onFinish={verify}
      >
        <OneTimeCodeField label="Verification code" inputRef={codeInput} />
      </Form>
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          message={failure.message}
          style={{ marginBottom: 16 }}
          action={
            failure.needsNewCode && (
              <Button size="small" onClick={sendCode} disabled={!canResend}>
                Send a new code
              </Button>
            )
          }
        />
      )}
      <Flex align="center" gap="small" wrap>
        <Typography.Text type="secondary">Did not get the code?</Typography.Text>
        <Button
          onClick={sendCode}
          disabled={!canResend}
          loading={isSending}
          aria-label="Resend code"
          aria-describedby={secondsUntilResend > 0 ? countdownId : undefined}
        >
          Resend code
        </Button>
        {secondsUntilResend > 0 && (
          <Typography.Text type="secondary" id={countdownId}>
            Available in {formatCountdown(secondsUntilResend)}
          </Typography.Text>
        )}
      </Flex>
    </Modal>
  );
}
