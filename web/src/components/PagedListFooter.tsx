// Below a cursor-paged table: the total ("1,000+" when the server stopped counting), with
// `Previous page` / `Next page` only when there is more than one page.
import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { countedNoun } from "../wording/counting";
import { CursorPager } from "./CursorPager";
import type { CursorPages } from "./useCursorPages";

export function PagedListFooter({
  pages,
  pageSize,
  data,
  isLoading,
  noun,
}: {
  pages: CursorPages;
  pageSize: number;
  data: { items: unknown[]; total: number; totalExact: boolean; nextCursor: string | null } | undefined;
  isLoading: boolean;
  /** What is counted, plural: "members". */
  noun: string;
}) {
  const { t } = useTranslation("paging");
  if (data === undefined) return null;
  if (pages.pageIndex === 0 && data.nextCursor === null) {
    return (
      <Typography.Paragraph type="secondary" aria-live="polite" style={{ marginTop: 16 }}>
        {t("total", { counted: countedNoun(data.total, noun, data.totalExact) })}
      </Typography.Paragraph>
    );
  }
  return (
    <CursorPager
      pageIndex={pages.pageIndex}
      pageSize={pageSize}
      itemCount={data.items.length}
      total={data.total}
      isTotalExact={data.totalExact}
      nextCursor={data.nextCursor}
      isLoading={isLoading}
      noun={noun}
      onPrevious={pages.goToPrevious}
      onNext={pages.goToNext}
    />
  );
}
