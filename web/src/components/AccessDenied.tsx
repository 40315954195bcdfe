// The answer shown in place of a page the member's roles do not open.
// The server refuses the data anyway (403); this only spares the user an empty page.
import { Result } from "antd";

export function AccessDenied() {
  return <Result status="403" title="403" subTitle="You do not have access to this page" />;
}
