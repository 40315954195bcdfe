// A page's heading, its only h1, also used as the browser tab's title.
import { Typography, theme } from "antd";
import { useEffect } from "react";

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Merchant Portal`;
  }, [title]);
}

export function PageTitle({ children }: { children: string }) {
  const { token } = theme.useToken();
  useDocumentTitle(children);
  return (
    <Typography.Title level={1} style={{ fontSize: token.fontSizeHeading2 }}>
      {children}
    </Typography.Title>
  );
}
