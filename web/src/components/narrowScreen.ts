// How tables and filters stay usable on a phone (SPEC §6.7): a table wider than the screen scrolls inside
// its own container, never the page, with its first column pinned so a row stays named; filters narrow.
import { Grid, type TableColumnsType, type TableProps } from "antd";

/** Columns as wide as their content; the container scrolls sideways when they exceed it. */
export const SCROLL_INSIDE: NonNullable<TableProps["scroll"]> = { x: "max-content" };

/** The same columns with the first one pinned at the left edge while the others scroll. */
export function pinFirstColumn<Row>(columns: TableColumnsType<Row>): TableColumnsType<Row> {
  return columns.map((column, index) => (index === 0 ? { ...column, fixed: "left" } : column));
}

/** Row actions one above the other on a phone, so the pinned actions column leaves room to scroll. */
export function useActionsDirection(): "vertical" | "horizontal" {
  return Grid.useBreakpoint().sm === false ? "vertical" : "horizontal";
}

/**
 * Wide screens (1200 px and more) show the member list whole, without a sideways scroller: a table
 * with one measures itself at every page of rows (Ant Design reads its scroll width to shade the
 * pinned columns), which forced a second layout and render into each next page.
 */
export function useIsWideScreen(): boolean {
  return Grid.useBreakpoint().xl === true;
}

/** Beside its label, a date range fits a phone's screen: it narrows instead of widening the page. */
export const RANGE_PICKER_MAX_WIDTH = "calc(100vw - 140px)";
