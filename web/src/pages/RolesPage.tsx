// Account > Roles (`roles.manage`): predefined and custom roles.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function RolesPage() {
  return <SectionPlaceholder title="Roles" />;
}
