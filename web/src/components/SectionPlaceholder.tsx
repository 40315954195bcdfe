// Stand-in body of a portal section that is not built yet.
import { Empty } from "antd";
import { PageTitle } from "./PageTitle";

export function SectionPlaceholder({ title }: { title: string }) {
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Empty description="This section arrives in a later release." />
    </>
  );
}
