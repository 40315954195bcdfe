// The signed-in account and its membership in the company named by the URL,
// provided by the portal layout to every page inside a company.
import { createContext, type ReactNode, useContext } from "react";
import type { Account, Membership } from "../api/types";

export interface CurrentMembership {
  account: Account;
  membership: Membership;
}

const CurrentMembershipContext = createContext<CurrentMembership | null>(null);

export function CurrentMembershipProvider({
  value,
  children,
}: {
  value: CurrentMembership;
  children: ReactNode;
}) {
  return <CurrentMembershipContext.Provider value={value}>{children}</CurrentMembershipContext.Provider>;
}

export function useCurrentMembership(): CurrentMembership {
  const value = useContext(CurrentMembershipContext);
  if (value === null) throw new Error("useCurrentMembership is used outside a company route");
  return value;
}

/** The membership when inside a company route, else null (for what is shown both inside and out). */
export function useOptionalCurrentMembership(): CurrentMembership | null {
  return useContext(CurrentMembershipContext);
}
