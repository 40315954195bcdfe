// An instant as the reader reads it (their language and time zone, named), with the full ISO instant
// on hover and on keyboard focus, for whoever must match it with a log or another zone.
import { Tooltip } from "antd";
import { useTranslation } from "react-i18next";
import { formatInstant } from "./formatDateTime";

export function Instant({ iso }: { iso: string }) {
  // Drawn again when the page's language changes, so the date follows it.
  useTranslation("format");
  return (
    <Tooltip title={iso} trigger={["hover", "focus"]}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focus shows the full ISO instant */}
      <time dateTime={iso} tabIndex={0} style={{ whiteSpace: "nowrap" }}>
        {formatInstant(iso)}
      </time>
    </Tooltip>
  );
}
