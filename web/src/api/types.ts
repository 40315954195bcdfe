// Request and response shapes of the HTTP API (SPEC §3) used by the web client.
// All API types live here so the file can be swapped for types generated from the server's OpenAPI.

/** The permission catalogue (SPEC §1). */
export type PermissionKey =
  | "account.view"
  | "company.view"
  | "transactions.view"
  | "transactions.download"
  | "settlements.view"
  | "settlements.download"
  | "members.view"
  | "members.invite"
  | "members.edit_roles"
  | "members.deactivate"
  | "roles.manage"
  | "audit.view"
  | "developer_center.view"
  | "insights.view";

export type MembershipStatus = "active" | "deactivated";

/** A role as listed on a membership; `key` names a predefined role (e.g. `admin`). */
export interface RoleSummary {
  id: string;
  key: string | null;
  name: string;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  alternateEmail: string | null;
}

export interface Membership {
  companyId: string;
  companyName: string;
  status: MembershipStatus;
  roles: RoleSummary[];
  permissions: string[];
}

/** `GET /api/me`, also the body of a successful `POST /api/auth/login`. */
export interface Me {
  account: Account;
  memberships: Membership[];
}

export interface LoginRequest {
  email: string;
  password: string;
}

/** An item of `GET /api/companies`. */
export interface CompanySummary {
  id: string;
  name: string;
  status: MembershipStatus;
  roles: RoleSummary[];
  permissions: string[];
}

export interface CompanyList {
  items: CompanySummary[];
}

/** `GET /api/companies/{cid}` (`company.view`). */
export interface CompanyInfo {
  id: string;
  name: string;
  legalName: string;
  registrationNumber: string;
  country: string;
  address: string;
}

/** `GET /api/companies/{cid}/account` (`account.view`). */
export interface MerchantAccount {
  merchantId: string;
  status: string;
  settlementCurrency: string;
  contactEmail: string;
}

/** The body of every error response. Codes may carry extra fields, e.g. `attemptsLeft`. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    [detail: string]: unknown;
  };
}
