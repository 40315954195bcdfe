// A page's heading, also used as the browser tab's title.
import { Typography } from "antd";
import { useEffect } from "react";

export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · Merchant Portal`;
  }, [children]);
  return <Typography.Title level={2}>{children}</Typography.Title>;
}
