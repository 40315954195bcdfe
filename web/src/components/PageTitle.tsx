// A page's heading, also used as the browser tab's title.
import { Typography } from "antd";
import { useEffect } from "react";

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Merchant Portal`;
  }, [title]);
}

export function PageTitle({ children }: { children: string }) {
  useDocumentTitle(children);
  return <Typography.Title level={2}>{children}</Typography.Title>;
}
