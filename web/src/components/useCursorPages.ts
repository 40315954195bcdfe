// Previous/next paging over a keyset-paginated collection: remembers the cursor of every page
// visited, and starts again from the first page whenever the filters change.
import { useState } from "react";
import type { PageRequest } from "../api/queries";

export interface CursorPages {
  /** The page to load now. */
  page: PageRequest;
  /** 0 for the first page. */
  pageIndex: number;
  goToNext: (nextCursor: string) => void;
  goToPrevious: () => void;
}

/** `filterKey` names the filters (e.g. their JSON): a new key means a new list, so page one. */
export function useCursorPages(filterKey: string, limit: number): CursorPages {
  // cursors[i] opens page i; the first page has none.
  const [state, setState] = useState<{ filterKey: string; cursors: Array<string | undefined> }>({
    filterKey,
    cursors: [undefined],
  });
  const cursors = state.filterKey === filterKey ? state.cursors : [undefined];
  const pageIndex = cursors.length - 1;

  return {
    page: { cursor: cursors[pageIndex], limit },
    pageIndex,
    goToNext: (nextCursor) => setState({ filterKey, cursors: [...cursors, nextCursor] }),
    goToPrevious: () => setState({ filterKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
  };
}
