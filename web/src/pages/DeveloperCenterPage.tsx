// Developer Center (`developer_center.view`): client id, API keys, webhooks.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function DeveloperCenterPage() {
  return <SectionPlaceholder title="Developer Center" />;
}
