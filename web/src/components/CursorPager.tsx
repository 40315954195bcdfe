// The footer of a paged table: which rows are shown out of how many ("1,000+" when the server
// stopped counting), and `Previous page` / `Next page`.
import { Button, ConfigProvider, Flex, Typography } from "antd";
import { nounFor } from "../wording/counting";

const count = new Intl.NumberFormat();

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
  const totalText = isTotalExact ? count.format(total) : `${count.format(total)}+`;
  const noun = isTotalExact ? nounFor(total, pluralNoun) : pluralNoun;
  const first = pageIndex * pageSize + 1;
  const last = pageIndex * pageSize + itemCount;
  const summary =
    itemCount === 0
      ? `${totalText} ${noun}`
      : `${count.format(first)}–${count.format(last)} of ${totalText} ${noun}`;

  return (
    <Flex align="center" justify="space-between" gap="middle" wrap style={{ marginTop: 16 }}>
      <Typography.Text type="secondary" aria-live="polite">
        {summary}
      </Typography.Text>
      {/* No click ripple: it reads the button's computed style, a page-wide style recalculation just
          as the next page's rows arrive. */}
      <ConfigProvider wave={{ disabled: true }}>
        <Flex gap="small">
          <Button onClick={onPrevious} disabled={pageIndex === 0 || isLoading} aria-label="Previous page">
            Previous page
          </Button>
          <Button
            onClick={() => nextCursor !== null && onNext(nextCursor)}
            disabled={nextCursor === null || isLoading}
            aria-label="Next page"
          >
            Next page
          </Button>
        </Flex>
      </ConfigProvider>
    </Flex>
  );
}
