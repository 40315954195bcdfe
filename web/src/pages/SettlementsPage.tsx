// Settlements (`settlements.view`), with `Download` of the filtered batches for `settlements.download`.
import { RecordListPage } from "../components/records/RecordListPage";
import { useSettlementList } from "../components/settlements/settlementList";

export function SettlementsPage() {
  return <RecordListPage list={useSettlementList()} />;
}
