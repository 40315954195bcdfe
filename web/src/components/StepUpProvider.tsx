// Connects the API client's step-up interceptor to the "Email Verification" window: a call answered
// `403 step_up_required` waits here until the user verifies (the call is retried) or cancels (it fails).
// The window asks for the company the refused call named: an elevation holds in that company only.
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { setStepUpHandler } from "../api/client";

// Loaded the first time a verification is asked for: most visits never need the window.
const EmailVerificationModal = lazy(() =>
  import("./EmailVerificationModal").then((module) => ({ default: module.EmailVerificationModal })),
);

export function StepUpProvider({ children }: { children: ReactNode }) {
  const [isOpen, setIsOpen] = useState(false);
  // Once opened the window stays mounted, so it can close as it always did.
  const [wasOpened, setWasOpened] = useState(false);
  const [companyId, setCompanyId] = useState<string | null>(null);
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
      (_error, refusedCompanyId) =>
        new Promise<boolean>((resolve) => {
          // The first refused call names the company; calls joining an open window share its code.
          if (waiting.current.length === 0) setCompanyId(refusedCompanyId);
          waiting.current.push(resolve);
          setIsOpen(true);
          setWasOpened(true);
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
      {wasOpened && (
        <Suspense fallback={null}>
          <EmailVerificationModal
            open={isOpen}
            companyId={companyId}
            onVerified={() => settle(true)}
            onCancel={() => settle(false)}
          />
        </Suspense>
      )}
    </>
  );
}
