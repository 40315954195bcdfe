// Account > Audit log (`audit.view`): security-relevant changes, newest first.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function AuditLogPage() {
  return <SectionPlaceholder title="Audit log" />;
}
