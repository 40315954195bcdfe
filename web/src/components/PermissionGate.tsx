// Route guard of the portal sections: renders a page only when the current membership
// holds the permission its navigation entry names.
import type { ReactNode } from "react";
import { isEntryAllowed, type NavigationEntry } from "../navigation";
import { AccessDenied } from "./AccessDenied";
import { useCurrentMembership } from "./CurrentMembership";

export function PermissionGate({ entry, children }: { entry: NavigationEntry; children: ReactNode }) {
  const { membership } = useCurrentMembership();
  return isEntryAllowed(entry, membership.permissions) ? children : <AccessDenied />;
}
