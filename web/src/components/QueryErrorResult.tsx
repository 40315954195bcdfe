// How a page shows a failed load: a refused permission as 403, a missing thing as 404,
// anything else with the server's message and a retry.
import { Alert, Button, Result } from "antd";
import { isApiError } from "../api/client";
import { AccessDenied } from "./AccessDenied";

export function QueryErrorResult({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  if (isApiError(error) && error.status === 403 && error.code === "forbidden")
    return <AccessDenied withinPage />;
  if (isApiError(error) && error.status === 404) {
    return (
      <Result
        status="404"
        title="Not found"
        subTitle="This page does not exist or is not available to you."
      />
    );
  }
  const message = isApiError(error) ? error.message : "Something went wrong while loading this page.";
  return (
    <Alert
      type="error"
      showIcon
      message="Could not load this page"
      description={message}
      action={
        <Button size="small" onClick={onRetry}>
          Retry
        </Button>
      }
    />
  );
}
