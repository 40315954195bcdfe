// The answer shown in place of a page the member's roles do not open.
// The server refuses the data anyway (403); this only spares the user an empty page.
import { Result } from "antd";
import { ResultHeading } from "./ResultHeading";

/** `withinPage`: shown under a page's own title, so "403" is not the page's h1. */
export function AccessDenied({ withinPage = false }: { withinPage?: boolean }) {
  return (
    <Result
      status="403"
      title={withinPage ? "403" : <ResultHeading>403</ResultHeading>}
      subTitle="You do not have access to this page"
    />
  );
}
