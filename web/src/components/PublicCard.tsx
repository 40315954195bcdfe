// The frame of the pages used without a session (login, forgot and reset password, invitations,
// unlock): a centered card under the portal's name, in the page's main landmark. The page's own
// title, when it has one, is its h1; the login page's h1 is the portal's name. The card is drawn
// here as Ant Design's Card draws itself: its Card would bring tabs and menus into the login
// page's code; so are its headings, as Typography.Title draws them. The text takes the theme's
// font, as inside the portal's Ant Design App.
import { theme } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LanguageLinks } from "../i18n/LanguageLinks";
import { MAIN_CONTENT_ID, SkipLink } from "./SkipLink";

export function PublicCard({ title, children }: { title?: string; children: ReactNode }) {
  // The `errors` catalogue too: the pages' failures are worded from it.
  const { t } = useTranslation(["shell", "errors"]);
  const { token } = theme.useToken();
  const heading = {
    marginTop: 0,
    marginBottom: "0.5em",
    color: token.colorTextHeading,
    fontWeight: token.fontWeightStrong,
  };
  const portalName = { ...heading, fontSize: token.fontSizeHeading2, lineHeight: token.lineHeightHeading2 };
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
          color: token.colorText,
          fontSize: token.fontSize,
          lineHeight: token.lineHeight,
          fontFamily: token.fontFamily,
        }}
      >
        <div
          style={{
            width: 400,
            maxWidth: "100%",
            padding: token.paddingLG,
            background: token.colorBgContainer,
            border: `${token.lineWidth}px ${token.lineType} ${token.colorBorderSecondary}`,
            borderRadius: token.borderRadiusLG,
          }}
        >
          <div style={{ display: "flex", justifyContent: "flex-end", marginBottom: token.marginXS }}>
            <LanguageLinks />
          </div>
          {title === undefined ? (
            <h1 style={portalName}>{t("portalName")}</h1>
          ) : (
            <>
              <strong style={{ ...portalName, display: "block", marginBottom: 12 }}>{t("portalName")}</strong>
              <h1
                style={{ ...heading, fontSize: token.fontSizeHeading3, lineHeight: token.lineHeightHeading3 }}
              >
                {title}
              </h1>
            </>
          )}
          {children}
        </div>
      </main>
    </>
  );
}
