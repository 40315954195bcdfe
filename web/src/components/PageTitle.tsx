// A page's heading, its only h1, also used as the browser tab's title.
import { Typography, theme } from "antd";
import { type CSSProperties, useEffect } from "react";
import { useTranslation } from "react-i18next";

export function useDocumentTitle(title: string): void {
  const { t } = useTranslation("format");
  const documentTitle = t("documentTitle", { title, portal: t("portalName") });
  useEffect(() => {
    document.title = documentTitle;
  }, [documentTitle]);
}

export function PageTitle({ children }: { children: string }) {
  const { token } = theme.useToken();
  useDocumentTitle(children);
  return (
    <Typography.Title level={1} style={{ fontSize: token.fontSizeHeading2, overflowWrap: "break-word" }}>
      {children}
    </Typography.Title>
  );
}

/** The heading of a part of a page: an h2 under the page's h1, in the size of Ant Design's h3. */
export function SectionTitle({
  children,
  id,
  style,
}: {
  children: string;
  id?: string;
  style?: CSSProperties;
}) {
  const { token } = theme.useToken();
  return (
    <Typography.Title level={2} id={id} style={{ fontSize: token.fontSizeHeading3, ...style }}>
      {children}
    </Typography.Title>
  );
}
