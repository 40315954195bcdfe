// Ant Design's styles for the components the portal uses, written at build time into one style
// sheet (the virtual module `virtual:antd-styles.css`, which the entry imports before its own CSS).
// Ant Design builds each component's styles in the browser the first time the component renders:
// on a page like the member list that is hundreds of kilobytes of CSS generated and inserted in
// the render that draws the page. Its style engine (@ant-design/cssinjs) reads a map of the styles a
// loaded style sheet already holds (the `.data-ant-cssinjs-cache-path` rule, written by its own
// extractStyle) and does not build those again. A component or a state left out here still gets its
// styles in the browser, as before: the sheet only saves work.
import type { ThemeConfig } from "antd";
import type { ComponentType, ReactElement } from "react";
import type { Plugin } from "vite";

type Antd = typeof import("antd");
type Create = (type: ComponentType<never> | string, props?: object, ...children: unknown[]) => ReactElement;

/** What a popup component renders as a static panel (open, in place), as Ant Design's own tests use. */
const panelOf = (component: unknown) =>
  (component as { _InternalPanelDoNotUseOrYouWillBeFired: ComponentType<never> })
    ._InternalPanelDoNotUseOrYouWillBeFired;

const ITEMS = [{ key: "a", label: "A" }];

/**
 * Each component the web app imports from "antd", rendered the ways it is used: its parts, and a
 * popup as its open panel. test/web-antd-styles.test.ts checks that every component imported in
 * web/src has its entry here.
 */
export const ANTD_SAMPLES: Record<string, (antd: Antd, h: Create) => ReactElement[]> = {
  Alert: (antd, h) => [h(antd.Alert, { message: "A", description: "B", showIcon: true, type: "error" })],
  App: (antd, h) => [
    h(antd.App, {}, "A"),
    h(panelOf(antd.message), { content: "A", type: "success" }),
    h(panelOf(antd.notification), { message: "A", description: "B" }),
  ],
  Button: (antd, h) => [
    h(antd.Button, { type: "primary" }, "A"),
    h(antd.Button, { type: "link", danger: true }, "B"),
  ],
  Card: (antd, h) => [h(antd.Card, { title: "A", size: "small" }, "B")],
  Checkbox: (antd, h) => [h(antd.Checkbox, {}, "A"), h(antd.Checkbox.Group, { options: ["A", "B"] })],
  Col: (antd, h) => [h(antd.Row, { gutter: 8 }, h(antd.Col, { span: 12, md: 6 }, "A"))],
  DatePicker: (antd, h) => [
    h(antd.DatePicker, {}),
    h(antd.DatePicker.RangePicker, {}),
    h(panelOf(antd.DatePicker), {}),
  ],
  Descriptions: (antd, h) => [
    h(antd.Descriptions, { bordered: true, column: 1, items: [{ key: "a", label: "A", children: "B" }] }),
  ],
  Drawer: (antd, h) => [
    h(antd.Drawer, { open: true, title: "A" }, "B"),
    h(panelOf(antd.Drawer), { title: "A" }, "B"),
  ],
  Dropdown: (antd, h) => [
    h(antd.Dropdown, { menu: { items: ITEMS } }, h("button", {}, "A")),
    h(panelOf(antd.Dropdown), { menu: { items: ITEMS } }, h("button", {}, "B")),
  ],
  Empty: (antd, h) => [h(antd.Empty, {}), h(antd.Empty, { image: antd.Empty.PRESENTED_IMAGE_SIMPLE })],
  Flex: (antd, h) => [h(antd.Flex, { gap: "small", wrap: true }, "A")],
  Form: (antd, h) => [
    h(
      antd.Form,
      { layout: "vertical" },
      h(
        antd.Form.Item,
        { label: "A", help: "B", validateStatus: "error", required: true },
        h(antd.Input, {}),
      ),
    ),
  ],
  Input: (antd, h) => [
    h(antd.Input, { prefix: "A", allowClear: true }),
    h(antd.Input.Password, {}),
    h(antd.Input.TextArea, {}),
    h(antd.Input.Search, {}),
  ],
  InputNumber: (antd, h) => [h(antd.InputNumber, {})],
  Layout: (antd, h) => [
    h(
      antd.Layout,
      {},
      h(antd.Layout.Sider, { collapsible: true }, "A"),
      h(antd.Layout, {}, h(antd.Layout.Header, {}, "B"), h(antd.Layout.Content, {}, "C")),
    ),
  ],
  List: (antd, h) => [
    h(antd.List, { dataSource: ["A"], renderItem: (item: string) => h(antd.List.Item, {}, item) }),
  ],
  Menu: (antd, h) => [
    h(antd.Menu, { mode: "inline", items: [{ key: "g", label: "G", children: ITEMS }] }),
    h(antd.Menu, { mode: "horizontal", items: ITEMS }),
  ],
  Modal: (antd, h) => [
    h(antd.Modal, { open: true, title: "A" }, "B"),
    h(panelOf(antd.Modal), { title: "A" }, "B"),
  ],
  Popconfirm: (antd, h) => [
    h(antd.Popconfirm, { title: "A" }, h("button", {}, "B")),
    h(panelOf(antd.Popconfirm), { title: "A" }),
  ],
  Progress: (antd, h) => [
    h(antd.Progress, { percent: 50 }),
    h(antd.Progress, { type: "circle", percent: 50 }),
  ],
  QRCode: (antd, h) => [h(antd.QRCode, { value: "A" })],
  Radio: (antd, h) => [
    h(antd.Radio.Group, { options: ["A", "B"] }),
    h(antd.Radio.Group, { optionType: "button", options: ["A", "B"] }),
  ],
  Result: (antd, h) => [h(antd.Result, { status: "403", title: "A" }), h(antd.Result, { status: "error" })],
  Row: (antd, h) => [h(antd.Row, { gutter: [8, 8] }, h(antd.Col, { span: 24 }, "A"))],
  Select: (antd, h) => [
    h(antd.Select, { options: ITEMS.map(({ key, label }) => ({ value: key, label })) }),
    h(antd.Select, { mode: "multiple", value: ["a"], options: [{ value: "a", label: "A" }] }),
    h(panelOf(antd.Select), { options: [{ value: "a", label: "A" }] }),
  ],
  Skeleton: (antd, h) => [h(antd.Skeleton, { active: true }), h(antd.Skeleton.Button, {})],
  Space: (antd, h) => [
    h(antd.Space, { wrap: true }, "A"),
    h(antd.Space.Compact, {}, h(antd.Button, {}, "B")),
  ],
  Spin: (antd, h) => [h(antd.Spin, {})],
  Statistic: (antd, h) => [h(antd.Statistic, { title: "A", value: 1 })],
  Steps: (antd, h) => [h(antd.Steps, { current: 0, items: [{ title: "A" }, { title: "B" }] })],
  Switch: (antd, h) => [h(antd.Switch, {})],
  Table: (antd, h) => [
    h(antd.Table, {
      rowKey: "a",
      size: "small",
      columns: [{ title: "A", dataIndex: "a", sorter: true, fixed: "right" }],
      dataSource: [{ a: "B" }],
      rowSelection: {},
      pagination: { total: 50 },
      scroll: { x: 800 },
    }),
    h(antd.Table, { columns: [{ title: "A", dataIndex: "a" }], dataSource: [], loading: true }),
  ],
  Tag: (antd, h) => [h(antd.Tag, { color: "green" }, "A"), h(antd.Tag, { bordered: false }, "B")],
  Tooltip: (antd, h) => [
    h(antd.Tooltip, { title: "A" }, h("span", {}, "B")),
    h(panelOf(antd.Tooltip), { title: "A" }),
  ],
  Typography: (antd, h) => [
    h(antd.Typography.Title, { level: 2 }, "A"),
    h(antd.Typography.Text, { type: "secondary", copyable: true }, "B"),
    h(antd.Typography.Paragraph, {}, "C"),
    h(antd.Typography.Link, {}, "D"),
  ],
};

/**
 * The style sheet of ANTD_SAMPLES under `theme`. It matches the browser's only when built as the
 * browser's bundle is, for production: the engine names its classes after NODE_ENV.
 */
export async function antdStyleSheet(theme: ThemeConfig): Promise<string> {
  if (process.env.NODE_ENV !== "production") {
    throw new Error(
      `Ant Design's style sheet is built for production only (NODE_ENV is ${process.env.NODE_ENV})`,
    );
  }
  const React = await import("react");
  const { renderToString } = await import("react-dom/server");
  const antd = await import("antd");
  const { createCache, extractStyle, StyleProvider } = await import("@ant-design/cssinjs");
  const cache = createCache();
  const h = React.createElement as unknown as Create;
  for (const [name, samples] of Object.entries(ANTD_SAMPLES)) {
    for (const sample of samples(antd, h)) {
      try {
        renderToString(
          h(StyleProvider as ComponentType<never>, { cache }, h(antd.ConfigProvider, { theme }, sample)),
        );
      } catch (error) {
        throw new Error(`Ant Design's ${name} could not be rendered for its styles: ${String(error)}`);
      }
    }
  }
  return extractStyle(cache, true);
}

const VIRTUAL_ID = "virtual:antd-styles.css";
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/**
 * `virtual:antd-styles.css`: the sheet in a build; empty on the dev server, whose bundle names its
 * classes for development and builds every style in the browser.
 */
export function antdStyles(theme: ThemeConfig): Plugin {
  let isBuild = false;
  return {
    name: "antd-styles",
    configResolved(config) {
      isBuild = config.command === "build";
    },
    resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      return isBuild ? await antdStyleSheet(theme) : "";
    },
  };
}
