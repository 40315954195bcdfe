// The language switch of the top bar, the profile and the pages before login: English or 简体中文.
// Each language is named in itself, so a reader finds theirs whatever the page's language is.
import { Select } from "antd";
import { useTranslation } from "react-i18next";
import { currentLanguage, LANGUAGE_NAMES, LANGUAGES, type Language, switchLanguage } from "./index";

const OPTIONS = LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] }));

export function LanguageSwitch({ onChange }: { onChange?: (language: Language) => void }) {
  const { t } = useTranslation();
  return (
    <Select<Language>
      aria-label={t("language")}
      value={currentLanguage()}
      options={OPTIONS}
      popupMatchSelectWidth={false}
      style={{ minWidth: 112 }}
      onChange={(language) => {
        void switchLanguage(language);
        onChange?.(language);
      }}
    />
  );
}
