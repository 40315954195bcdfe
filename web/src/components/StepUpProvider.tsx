// Connects the API client's step-up interceptor to the "Email Verification" window: a call answered
// `403 step_up_required` waits here until the user verifies (the call is retried) or cancels (it fails).
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { setStepUpHandler } from "../api/client";
import { EmailVerificationModal } from "./EmailVerificationModal";

export function StepUpProvider({ children }: { children: ReactNode }) {
  const [isOpen, setIsOpen] = useState(false);
  // Every call waiting for this verification; calls refused together share one window and one code.
  const waiting = useRef<Array<(isVerified: boolean) => void>>([]);

  const settle = useCallback((isVerified: boolean) => {
    const resolvers = waiting.current;
    waiting.current = [];
    setIsOpen(false);
    for (const resolve of resolvers) resolve(isVerified);
  }, []);

  useEffect(() => {
    setStepUpHandler(
      () =>
        new Promise<boolean>((resolve) => {
          waiting.current.push(resolve);
          setIsOpen(true);
        }),
    );
    return () => {
      setStepUpHandler(null);
      settle(false);
    };
  }, [settle]);

  return (
    <>
      {children}
      <EmailVerificationModal open={isOpen} onVerified={() => settle(true)} onCancel={() => settle(false)} />
    </>
  );
}
