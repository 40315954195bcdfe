// Spinners shown while something loads: the session, or a page's code. Ant Design's Spin marks
// itself busy (aria-busy, aria-live) for assistive technology.
import { Flex, Spin } from "antd";

export function FullPageSpinner() {
  return (
    <Flex align="center" justify="center" style={{ minHeight: "100vh" }}>
      <Spin size="large" />
    </Flex>
  );
}

/** Inside the portal's layout, in place of a page whose code is still loading. */
export function SectionSpinner() {
  return (
    <Flex align="center" justify="center" style={{ minHeight: 240 }}>
      <Spin size="large" />
    </Flex>
  );
}
