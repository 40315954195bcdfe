// A record's merchant account by name, read from the (cached) list of the caller's accounts.
import { Typography } from "antd";
import { useMerchantAccounts } from "../../api/queries";
import { useCurrentMembership } from "../CurrentMembership";

export function MerchantAccountName({ id }: { id: string }) {
  const { membership } = useCurrentMembership();
  const accounts = useMerchantAccounts(membership.companyId);
  const account = accounts.data?.items.find((item) => item.id === id);
  if (!account) return <Typography.Text type="secondary">—</Typography.Text>;
  return <span style={{ whiteSpace: "nowrap" }}>{account.name}</span>;
}
