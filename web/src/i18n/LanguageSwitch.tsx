// The language switch of the top bar, the profile and the pages before login: English or 简体中文.
// Each language is named in itself, so a reader finds theirs whatever the page's language is. Signed
// in (`saveToAccount`), the choice is also saved as the account's, for its other browsers and its mails.
import { Select } from "antd";
import { useTranslation } from "react-i18next";
import { useSavePreferences } from "../api/preferencesQueries";
import { currentLanguage, LANGUAGE_OPTIONS, type Language, switchLanguage } from "./index";

export function LanguageSwitch({
  onChange,
  saveToAccount = false,
}: {
  onChange?: (language: Language) => void;
  /** Signed in: save the choice as the account's language (PUT /api/me/preferences). */
  saveToAccount?: boolean;
}) {
  const { t } = useTranslation();
  const savePreferences = useSavePreferences();
  return (
    <Select<Language>
      aria-label={t("language")}
      value={currentLanguage()}
      options={LANGUAGE_OPTIONS}
      popupMatchSelectWidth={false}
      style={{ minWidth: 112 }}
      onChange={(language) => {
        void switchLanguage(language);
        // The page has switched already; a failed save only leaves the account's choice as it was.
        if (saveToAccount) savePreferences.mutate({ language });
        onChange?.(language);
      }}
    />
  );
}
