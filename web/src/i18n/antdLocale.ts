// Ant Design's own words (pagination, date pickers, empty tables, confirm buttons) in the page's
// language. English is built in; the Chinese locale is fetched when first needed.
import type { Locale } from "antd/es/locale";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

let chinese: Locale | undefined;

export function useAntdLocale(): Locale | undefined {
  const { i18n } = useTranslation();
  const isChinese = i18n.language === "zh-CN";
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (!isChinese || chinese !== undefined) return;
    let isCurrent = true;
    void import("antd/es/locale/zh_CN").then((module) => {
      chinese = module.default;
      if (isCurrent) setLoaded((count) => count + 1);
    });
    return () => {
      isCurrent = false;
    };
  }, [isChinese]);
  return isChinese ? chinese : undefined;
}
