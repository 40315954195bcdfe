// The member list's view as the URL holds it: search, role, status, sort, page size and the page's
// cursor, so a reload or a shared link shows the same list, and Back/Forward step through pages.
import { useLocation, useSearchParams } from "react-router-dom";
import type { MemberFilters, MemberSortKey, MembershipStatus } from "../../api/types";
import type { CursorPages } from "../useCursorPages";

export const MEMBER_PAGE_SIZES = [20, 50, 100] as const;
export type MemberPageSize = (typeof MEMBER_PAGE_SIZES)[number];
const DEFAULT_PAGE_SIZE: MemberPageSize = 20;

const SORT_KEYS: readonly MemberSortKey[] = ["email", "name", "joinedAt", "lastActiveAt"];

export type MemberSearch = Pick<MemberFilters, "email" | "role" | "status">;
export type MemberSort = { key: MemberSortKey; descending: boolean } | null;

/**
 * The cursors of the pages before this one, kept in the history entry (not the URL): Back and
 * Forward bring them along, and `Previous page` goes back to one of them. A shared link has none,
 * so its `Previous page` opens the first page.
 */
type HistoryState = { memberCursors?: string[] } | null;

export interface MemberListView {
  search: MemberSearch;
  sort: MemberSort;
  pageSize: MemberPageSize;
  /** The list's query without the page: what the server filters and orders by. */
  filters: MemberFilters;
  pages: CursorPages;
  setSearch: (search: MemberSearch) => void;
  setSort: (sort: MemberSort) => void;
  setPageSize: (size: MemberPageSize) => void;
}

function readSearch(params: URLSearchParams): MemberSearch {
  const search: MemberSearch = {};
  const email = params.get("email")?.trim();
  if (email) search.email = email;
  const role = params.get("role");
  if (role) search.role = role;
  const status = params.get("status");
  if (status === "active" || status === "deactivated") search.status = status satisfies MembershipStatus;
  return search;
}

function readSort(params: URLSearchParams): MemberSort {
  const key = SORT_KEYS.find((candidate) => candidate === params.get("sort"));
  return key ? { key, descending: params.get("order") === "desc" } : null;
}

function readPageSize(params: URLSearchParams): MemberPageSize {
  const size = Number(params.get("pageSize"));
  return MEMBER_PAGE_SIZES.find((candidate) => candidate === size) ?? DEFAULT_PAGE_SIZE;
}

export function useMemberListView(): MemberListView {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const search = readSearch(params);
  const sort = readSort(params);
  const pageSize = readPageSize(params);
  const cursor = params.get("cursor") ?? undefined;
  const earlier = cursor === undefined ? [] : ((location.state as HistoryState)?.memberCursors ?? []);
  // The page's number (from 1) is in the URL too, for "41–60 of …" after a reload or on a shared link.
  const pageNumber = Number(params.get("page"));
  const pageIndex =
    cursor === undefined ? 0 : Number.isInteger(pageNumber) && pageNumber >= 2 ? pageNumber - 1 : 1;

  const filters: MemberFilters = { ...search };
  if (sort) {
    filters.sort = sort.key;
    if (sort.descending) filters.order = "desc";
  }

  /** A new URL for the view; any change but a page change starts again on the first page. */
  const show = (
    next: { search: MemberSearch; sort: MemberSort; pageSize: MemberPageSize },
    page?: { cursor: string | undefined; index: number; earlier: string[] },
  ) => {
    const url = new URLSearchParams();
    for (const [name, value] of Object.entries(next.search)) if (value) url.set(name, value);
    if (next.sort) {
      url.set("sort", next.sort.key);
      if (next.sort.descending) url.set("order", "desc");
    }
    if (next.pageSize !== DEFAULT_PAGE_SIZE) url.set("pageSize", String(next.pageSize));
    if (page?.cursor !== undefined) {
      url.set("page", String(page.index + 1));
      url.set("cursor", page.cursor);
    }
    const state: HistoryState = { memberCursors: page?.earlier ?? [] };
    setParams(url, { state });
  };
  const current = { search, sort, pageSize };

  return {
    search,
    sort,
    pageSize,
    filters,
    pages: {
      page: { cursor, limit: pageSize },
      pageIndex,
      goToNext: (nextCursor) =>
        show(current, {
          cursor: nextCursor,
          index: pageIndex + 1,
          earlier: cursor === undefined ? [] : [...earlier, cursor],
        }),
      goToPrevious: () => {
        const previous = earlier[earlier.length - 1];
        // Without the earlier cursors (a shared link), the way back is the first page.
        if (previous === undefined || pageIndex <= 1) show(current);
        else show(current, { cursor: previous, index: pageIndex - 1, earlier: earlier.slice(0, -1) });
      },
    },
    setSearch: (next) => show({ ...current, search: next }),
    setSort: (next) => show({ ...current, sort: next }),
    setPageSize: (next) => show({ ...current, pageSize: next }),
  };
}
