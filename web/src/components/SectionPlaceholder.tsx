// Stand-in body of a portal section that is not built yet.
import { Empty } from "antd";
import { useTranslation } from "react-i18next";
import { PageTitle } from "./PageTitle";

export function SectionPlaceholder({ title }: { title: string }) {
  const { t } = useTranslation("shell");
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Empty description={t("sectionPlaceholder")} />
    </>
  );
}
