// The member list's search (user guide §3): `Member Email`, `Member Role`, a status, and `Search`.
// Nothing is searched until `Search` is clicked (or Enter pressed in a field); the fields show the
// search the URL holds (after a reload, Back or Forward).
import { Button, Form, Input, Select } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { MembershipStatus, Role } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import type { MemberSearch } from "./useMemberListView";

const ALL = "all";

interface FilterForm {
  email: string;
  role: string;
  status: MembershipStatus | typeof ALL;
}

function formOf(search: MemberSearch): FilterForm {
  return { email: search.email ?? "", role: search.role ?? ALL, status: search.status ?? ALL };
}

export function MemberFilterBar({
  roles,
  isLoadingRoles,
  value,
  onSearch,
}: {
  roles: readonly Role[];
  isLoadingRoles: boolean;
  /** The search shown in the list now. */
  value: MemberSearch;
  onSearch: (filters: MemberSearch) => void;
}) {
  const { t } = useTranslation("members");
  const labels = useCatalogueLabels();
  const [form] = Form.useForm<FilterForm>();
  const shown = JSON.stringify(formOf(value));
  useEffect(() => form.setFieldsValue(JSON.parse(shown)), [form, shown]);

  const search = ({ email, role, status }: FilterForm) => {
    const filters: MemberSearch = {};
    const term = email?.trim() ?? "";
    if (term !== "") filters.email = term;
    if (role !== ALL) filters.role = role;
    if (status !== ALL) filters.status = status;
    onSearch(filters);
  };

  return (
    <Form<FilterForm>
      form={form}
      name="member-search"
      layout="inline"
      initialValues={formOf(value)}
      onFinish={search}
      style={{ rowGap: 12 }}
    >
      <Form.Item label={t("filter.memberEmail")} name="email">
        <Input
          allowClear
          placeholder={t("filter.emailPlaceholder")}
          inputMode="email"
          spellCheck={false}
          autoComplete="off"
          style={{ width: "min(240px, 52vw)" }}
        />
      </Form.Item>
      <Form.Item label={t("filter.memberRole")} name="role">
        <Select
          style={{ width: 180 }}
          loading={isLoadingRoles}
          showSearch
          optionFilterProp="label"
          options={[
            { value: ALL, label: t("filter.allRoles") },
            ...roles.map((role) => ({ value: role.id, label: labels.roleName(role) })),
          ]}
        />
      </Form.Item>
      <Form.Item label={t("filter.memberStatus")} name="status">
        <Select
          style={{ width: 150 }}
          showSearch
          optionFilterProp="label"
          options={[
            { value: ALL, label: t("filter.allStatuses") },
            { value: "active", label: t("status.active") },
            { value: "deactivated", label: t("status.deactivated") },
          ]}
        />
      </Form.Item>
      <Form.Item>
        <Button type="primary" htmlType="submit">
          {t("filter.search")}
        </Button>
      </Form.Item>
    </Form>
  );
}
