// The portal's Ant Design theme: every colour that carries text reaches WCAG AA contrast (4.5:1) on
// white and on the grey page background. Ant Design's defaults do not: its blue is 4.1:1, its
// secondary grey 3.4:1 and its red 3.9:1 on white.
import type { ThemeConfig } from "antd";

export const portalTheme: ThemeConfig = {
  token: {
    // Ant Design's blue-7: 6.0:1 on white, and white on it 6.0:1 (primary buttons).
    colorPrimary: "#0958d9",
    colorLink: "#0958d9",
    colorInfo: "#0958d9",
    // Ant Design derives lighter hover and press shades from the primary blue, under AA for white
    // text on a hovered button and for a hovered link; its blue-8 and blue-9 stay above it.
    colorPrimaryHover: "#003eb3",
    colorPrimaryActive: "#002c8c",
    colorLinkHover: "#003eb3",
    colorLinkActive: "#002c8c",
    // Ant Design's red-7: 5.9:1 on white (form errors, danger buttons).
    colorError: "#cf1322",
    // Ant Design's green-8 and gold-8: text of success and warning tags and alerts.
    colorSuccess: "#237804",
    colorWarning: "#ad6800",
    // Secondary text (descriptions, hints, table sorters): 7.0:1 on white, 6.4:1 on the page grey.
    colorTextSecondary: "rgba(0, 0, 0, 0.65)",
    // Tertiary text (empty states, step descriptions, captions): 5.7:1 on white.
    colorTextTertiary: "rgba(0, 0, 0, 0.6)",
    // Placeholders: 4.6:1 on white.
    colorTextPlaceholder: "rgba(0, 0, 0, 0.55)",
    colorTextDescription: "rgba(0, 0, 0, 0.65)",
  },
  components: {
    // A preset tag's text is step 7 of its palette on step 1; for these palettes step 7 is under
    // 4.5:1 there, so their tags take step 8.
    Tag: { green7: "#237804", orange7: "#ad4e00", gold7: "#ad6800", cyan7: "#006d75", volcano7: "#ad2102" },
    // A table's empty text ("No members match this search.") is drawn in the disabled grey.
    Table: { colorTextDisabled: "rgba(0, 0, 0, 0.6)" },
  },
};
