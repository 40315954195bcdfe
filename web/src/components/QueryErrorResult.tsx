// How a page shows a failed load: a refused permission as 403, a missing thing as 404,
// anything else with the server's message and a retry.
import { Alert, Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { isApiError } from "../api/client";
import { AccessDenied } from "./AccessDenied";

export function QueryErrorResult({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation("shell");
  if (isApiError(error) && error.status === 403 && error.code === "forbidden")
    return <AccessDenied withinPage />;
  if (isApiError(error) && error.status === 404) {
    return <Result status="404" title={t("queryError.notFound")} subTitle={t("queryError.notFoundDetail")} />;
  }
  const message = isApiError(error) ? error.message : t("queryError.somethingWrong");
  return (
    <Alert
      type="error"
      showIcon
      message={t("queryError.couldNotLoad")}
      description={message}
      action={
        <Button size="small" onClick={onRetry}>
          {t("common:retry")}
        </Button>
      }
    />
  );
}
