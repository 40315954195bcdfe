// The audit log's words in the page's language: the `audit` namespace, with the `catalogue` one for
// predefined roles' names and permission labels inside sentences and details.
import { useTranslation } from "react-i18next";
import type { AuditText } from "./auditText";

export function useAuditText(): AuditText {
  const { t } = useTranslation(["audit", "catalogue"]);
  return (key, values) => t(key, values ?? {}) as string;
}
