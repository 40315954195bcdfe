// The page follows the signed-in account's language (SPEC §6.6): once GET /api/me names one, the
// page switches to it and this browser remembers it; an account that chose none keeps the page's.
import { useEffect } from "react";
import type { Me } from "../api/types";
import { currentLanguage, switchLanguage } from "./index";

export function useAccountLanguage(me: Me | undefined): void {
  const language = me?.account.language;
  useEffect(() => {
    if (language && language !== currentLanguage()) void switchLanguage(language);
  }, [language]);
}
