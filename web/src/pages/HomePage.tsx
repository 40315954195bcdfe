// A company's home: who is logged in, in which company, with which roles.
import { Descriptions, Space, Tag, Typography } from "antd";
import { useCurrentMembership } from "../components/CurrentMembership";
import { PageTitle } from "../components/PageTitle";

export function HomePage() {
  const { account, membership } = useCurrentMembership();
  return (
    <>
      <PageTitle>Home</PageTitle>
      <Typography.Paragraph>Welcome, {account.name || account.email}.</Typography.Paragraph>
      <Descriptions
        column={1}
        items={[
          { key: "company", label: "Company", children: membership.companyName },
          {
            key: "roles",
            label: "Your roles",
            children: (
              <Space size={[0, 8]} wrap>
                {membership.roles.map((role) => (
                  <Tag key={role.id}>{role.name}</Tag>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
