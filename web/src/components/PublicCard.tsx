// The frame of the pages used without a session (login, forgot and reset password):
// a centered card under the portal's name.
import { Card, Flex, Typography, theme } from "antd";
import type { ReactNode } from "react";

export function PublicCard({ children }: { children: ReactNode }) {
  const { token } = theme.useToken();
  return (
    <Flex align="center" justify="center" style={{ minHeight: "100vh", background: token.colorBgLayout }}>
      <Card style={{ width: 400, maxWidth: "100%" }}>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          Merchant Portal
        </Typography.Title>
        {children}
      </Card>
    </Flex>
  );
}
