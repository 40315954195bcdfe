// Settlements (`settlements.view`): settlement records.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function SettlementsPage() {
  return <SectionPlaceholder title="Settlements" />;
}
