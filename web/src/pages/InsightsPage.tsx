// Insights (`insights.view`): success rate, payment-method performance, error reports.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function InsightsPage() {
  return <SectionPlaceholder title="Insights" />;
}
