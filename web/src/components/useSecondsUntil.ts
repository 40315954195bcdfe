// Whole seconds left until a moment (epoch milliseconds), re-rendering once a second until then.
import { useEffect, useState } from "react";

export function useSecondsUntil(deadline: number | null): number {
  const [, setTick] = useState(0);
  const secondsLeft = deadline === null ? 0 : Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

  useEffect(() => {
    if (deadline === null || Date.now() >= deadline) return;
    const timer = window.setInterval(() => {
      setTick((tick) => tick + 1);
      if (Date.now() >= deadline) window.clearInterval(timer);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [deadline]);

  return secondsLeft;
}

/** `42` → "0:42", `75` → "1:15". */
export function formatCountdown(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}
