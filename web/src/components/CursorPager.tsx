// The footer of a paged table: which rows are shown out of how many ("1,000+" when the server
// stopped counting), and `Previous page` / `Next page`.
import { Button, ConfigProvider, Flex, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { countedNoun, formatCount } from "../wording/counting";

export function CursorPager({
  pageIndex,
  pageSize,
  itemCount,
  total,
  isTotalExact,
  nextCursor,
  isLoading,
  noun: pluralNoun,
  onPrevious,
  onNext,
}: {
  pageIndex: number;
  pageSize: number;
  /** Rows on the page shown. */
  itemCount: number;
  total: number;
  isTotalExact: boolean;
  nextCursor: string | null;
  isLoading: boolean;
  /** What is counted, plural: "transactions". */
  noun: string;
  onPrevious: () => void;
  onNext: (nextCursor: string) => void;
}) {
  const { t } = useTranslation("paging");
  const counted = countedNoun(total, pluralNoun, isTotalExact);
  const first = pageIndex * pageSize + 1;
  const last = pageIndex * pageSize + itemCount;
  const summary =
    itemCount === 0 ? counted : t("range", { first: formatCount(first), last: formatCount(last), counted });

  return (
    <Flex align="center" justify="space-between" gap="middle" wrap style={{ marginTop: 16 }}>
      <Typography.Text type="secondary" aria-live="polite">
        {summary}
      </Typography.Text>
      {/* No click ripple: it reads the button's computed style, a page-wide style recalculation just
          as the next page's rows arrive. */}
      <ConfigProvider wave={{ disabled: true }}>
        <Flex gap="small">
          <Button onClick={onPrevious} disabled={pageIndex === 0 || isLoading} aria-label={t("previousPage")}>
            {t("previousPage")}
          </Button>
          <Button
            onClick={() => nextCursor !== null && onNext(nextCursor)}
            disabled={nextCursor === null || isLoading}
            aria-label={t("nextPage")}
          >
            {t("nextPage")}
          </Button>
        </Flex>
      </ConfigProvider>
    </Flex>
  );
}
