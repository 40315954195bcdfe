// For a person whose system asks for reduced motion (prefers-reduced-motion: reduce, WCAG 2.3.3),
// windows, drawers, lists and notices appear and go without moving. Ant Design's components move
// through rc-motion, whose Provider switches that off; the theme's tokens stay as they are, so the
// style sheet built with the app still covers every component.
import { Provider as MotionProvider } from "rc-motion";
import { type ReactNode, useSyncExternalStore } from "react";

const REDUCED_MOTION = "(prefers-reduced-motion: reduce)";

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(REDUCED_MOTION);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

const isMotionReduced = () => window.matchMedia(REDUCED_MOTION).matches;

export function ReducedMotion({ children }: { children: ReactNode }) {
  const isReduced = useSyncExternalStore(subscribe, isMotionReduced);
  return <MotionProvider motion={isReduced ? false : undefined}>{children}</MotionProvider>;
}
