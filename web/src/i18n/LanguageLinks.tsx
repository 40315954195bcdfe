// The language choice of the pages before login: each language a link-styled button, named in
// itself, the page's own marked as pressed. The top bar's Select (LanguageSwitch) would bring Ant
// Design's select, virtual list and overflow into the login page's code (about 30 KB gzipped) for
// two options. The choice is kept in this browser.
import { Button } from "antd";
import { useTranslation } from "react-i18next";
import { currentLanguage, LANGUAGE_NAMES, LANGUAGES, switchLanguage } from "./index";

export function LanguageLinks() {
  const { t } = useTranslation();
  const current = currentLanguage();
  return (
    <fieldset
      aria-label={t("language")}
      style={{ display: "flex", gap: 4, border: 0, margin: 0, padding: 0, minWidth: 0 }}
    >
      {LANGUAGES.map((language) => (
        <Button
          key={language}
          type="link"
          size="small"
          lang={language}
          aria-pressed={language === current}
          style={language === current ? { fontWeight: 600 } : undefined}
          onClick={() => void switchLanguage(language)}
        >
          {LANGUAGE_NAMES[language]}
        </Button>
      ))}
    </fieldset>
  );
}
