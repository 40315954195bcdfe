// Transactions (`transactions.view`), with `Download` of the filtered records for `transactions.download`.
import { RecordListPage } from "../components/records/RecordListPage";
import { useTransactionList } from "../components/transactions/transactionList";

export function TransactionsPage() {
  return <RecordListPage list={useTransactionList()} />;
}
