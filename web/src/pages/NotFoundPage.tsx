// Any path the portal does not know.
import { Result } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { ResultHeading } from "../components/ResultHeading";

export function NotFoundPage() {
  const { t } = useTranslation("shell");
  return (
    <Result
      status="404"
      title={<ResultHeading>{t("notFound.title")}</ResultHeading>}
      subTitle={t("notFound.detail")}
      extra={<Link to="/">{t("notFound.goToPortal")}</Link>}
    />
  );
}
