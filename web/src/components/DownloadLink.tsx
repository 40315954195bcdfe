// `Download`: a link to a CSV export, styled as a button. The browser fetches it with the session
// cookie and saves the server's stream straight to disk, so a large export is never held in memory.
// Before it follows the link, the page reads `me` afresh: a session that has ended, or a permission
// taken away since the page loaded, then shows as the login page or a message, not as the server's
// refusal saved to disk in place of the CSV.
import { useQueryClient } from "@tanstack/react-query";
import { App, Button } from "antd";
import type { MouseEvent } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../api/client";
import { meQuery, queryKeys } from "../api/queries";
import type { PermissionKey } from "../api/types";
import { useCurrentMembership } from "./CurrentMembership";
import { describeError } from "./errorMessages";

/** Follows an export link the way a click on `<a download>` does. */
function followDownload(href: string) {
  const link = document.createElement("a");
  link.href = href;
  link.download = "";
  document.body.append(link);
  link.click();
  link.remove();
}

export function DownloadLink({
  href,
  description,
  permission,
  label,
}: {
  href: string;
  /** The button's words (and accessible name); `Download` in the page's language by default. */
  label?: string;
  description: string;
  /** What the export needs; checked against a fresh `me` before the browser asks for it. */
  permission: PermissionKey;
}) {
  const { t } = useTranslation("format");
  const queryClient = useQueryClient();
  const { membership } = useCurrentMembership();
  const { message } = App.useApp();
  const [isChecking, setChecking] = useState(false);

  async function download(event: MouseEvent<HTMLElement>) {
    event.preventDefault();
    setChecking(true);
    try {
      // Also refreshes the menu and the page's controls when the roles have changed.
      const me = await queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
      const current = me.memberships.find((m) => m.companyId === membership.companyId);
      if (current?.status === "active" && current.permissions.includes(permission)) {
        followDownload(href);
      } else {
        void message.error(t("downloadNotAllowed"), 6);
      }
    } catch (error) {
      // An ended session: the layout, finding `me` refused, sends the browser to the login page.
      if (isApiError(error) && error.status === 401)
        void queryClient.resetQueries({ queryKey: queryKeys.me });
      else void message.error(describeError(error), 6);
    } finally {
      setChecking(false);
    }
  }

  return (
    <Button href={href} download title={description} loading={isChecking} onClick={download}>
      {label ?? t("download")}
    </Button>
  );
}
