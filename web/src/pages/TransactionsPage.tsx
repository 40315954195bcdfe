// Transactions (`transactions.view`): transaction records.
// A placeholder until a later issue builds the section.
import { SectionPlaceholder } from "../components/SectionPlaceholder";

export function TransactionsPage() {
  return <SectionPlaceholder title="Transactions" />;
}
