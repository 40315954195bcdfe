// The member list's search (user guide §3): `Member Email`, `Member Role`, a status, and `Search`.
// Nothing is searched until `Search` is clicked (or Enter pressed in a field).
import { Button, Form, Input, Select } from "antd";
import type { MemberFilters, MembershipStatus, Role } from "../../api/types";

const ALL = "all";

interface FilterForm {
  email: string;
  role: string;
  status: MembershipStatus | typeof ALL;
}

export function MemberFilterBar({
  roles,
  isLoadingRoles,
  onSearch,
}: {
  roles: readonly Role[];
  isLoadingRoles: boolean;
  onSearch: (filters: MemberFilters) => void;
}) {
  const search = ({ email, role, status }: FilterForm) => {
    const filters: MemberFilters = {};
    const term = email?.trim() ?? "";
    if (term !== "") filters.email = term;
    if (role !== ALL) filters.role = role;
    if (status !== ALL) filters.status = status;
    onSearch(filters);
  };

  return (
    <Form<FilterForm>
      name="member-search"
      layout="inline"
      initialValues={{ email: "", role: ALL, status: ALL }}
      onFinish={search}
      style={{ rowGap: 12 }}
    >
      <Form.Item label="Member Email" name="email">
        <Input
          allowClear
          placeholder="Email contains…"
          inputMode="email"
          spellCheck={false}
          autoComplete="off"
          style={{ width: "min(240px, 52vw)" }}
        />
      </Form.Item>
      <Form.Item label="Member Role" name="role">
        <Select
          style={{ width: 180 }}
          loading={isLoadingRoles}
          showSearch
          optionFilterProp="label"
          options={[
            { value: ALL, label: "All roles" },
            ...roles.map((role) => ({ value: role.id, label: role.name })),
          ]}
        />
      </Form.Item>
      <Form.Item label="Member Status" name="status">
        <Select
          style={{ width: 150 }}
          showSearch
          optionFilterProp="label"
          options={[
            { value: ALL, label: "All statuses" },
            { value: "active", label: "Active" },
            { value: "deactivated", label: "Deactivated" },
          ]}
        />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          Search
        </Button>
      </Form.Item>
    </Form>
  );
}
