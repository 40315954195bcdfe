// The frame of the pages used without a session (login, forgot and reset password, invitations,
// unlock): a centered card under the portal's name, in the page's main landmark. The page's own
// title, when it has one, is its h1; the login page's h1 is the portal's name.
import { Card, Typography, theme } from "antd";
import type { ReactNode } from "react";
import { MAIN_CONTENT_ID, SkipLink } from "./SkipLink";

export function PublicCard({ title, children }: { title?: string; children: ReactNode }) {
  const { token } = theme.useToken();
  const portalName = { marginTop: 0, fontSize: token.fontSizeHeading2 };
  return (
    <>
      <SkipLink />
      <main
        id={MAIN_CONTENT_ID}
        tabIndex={-1}
        style={{
          display: "flex",
          alignItems: "center",
          justifyContent: "center",
          minHeight: "100vh",
          background: token.colorBgLayout,
        }}
      >
        <Card style={{ width: 400, maxWidth: "100%" }}>
          {title === undefined ? (
            <Typography.Title level={1} style={portalName}>
              Merchant Portal
            </Typography.Title>
          ) : (
            <>
              <Typography.Text strong style={{ ...portalName, display: "block", marginBottom: 12 }}>
                Merchant Portal
              </Typography.Text>
              <Typography.Title level={1} style={{ marginTop: 0, fontSize: token.fontSizeHeading3 }}>
                {title}
              </Typography.Title>
            </>
          )}
          {children}
        </Card>
      </main>
    </>
  );
}
