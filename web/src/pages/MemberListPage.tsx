// Account > Member list (`members.view`): search, invite, change roles, deactivate.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function MemberListPage() {
  return <SectionPlaceholder title="Member list" />;
}
