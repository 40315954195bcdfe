// Payment-method performance as horizontal bars (plain SVG): one bar per method, as long as its
// share of the busiest method's transactions, split into succeeded, failed and pending. The SVG
// carries a title and a text description for screen readers.
import { Flex, Typography, theme } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { PaymentMethodPerformance } from "../../api/types";
import { paymentMethodLabel } from "../paymentMethods";
import { formatRate } from "./formatRate";

const WIDTH = 640;
const LABEL_WIDTH = 110;
const RATE_WIDTH = 120;
const ROW_HEIGHT = 32;
const BAR_HEIGHT = 18;

function Swatch({ color, label }: { color: string; label: string }) {
  return (
    <Flex align="center" gap={6}>
      <span aria-hidden style={{ width: 12, height: 12, borderRadius: 2, background: color }} />
      <Typography.Text type="secondary">{label}</Typography.Text>
    </Flex>
  );
}

export function PaymentMethodChart({
  methods,
  periodLabel,
}: {
  methods: PaymentMethodPerformance[];
  /** "the last 30 days", for the description. */
  periodLabel: string;
}) {
  const { t } = useTranslation(["insights", "format"]);
  const { token } = theme.useToken();
  const titleId = useId();
  const descriptionId = useId();
  const colors = { succeeded: token.colorSuccess, failed: token.colorError, other: token.colorFillSecondary };
  const maxCount = Math.max(1, ...methods.map((method) => method.count));
  const barSpace = WIDTH - LABEL_WIDTH - RATE_WIDTH;
  const height = Math.max(ROW_HEIGHT, methods.length * ROW_HEIGHT);
  const description =
    methods.length === 0
      ? t("noTransactionsIn", { period: periodLabel })
      : t("methodsDescription", {
          period: periodLabel,
          methods: methods
            .map((method) =>
              t("methodDescription", {
                method: paymentMethodLabel(method.paymentMethod),
                count: method.count,
                succeeded: method.succeeded,
                failed: method.failed,
                rate: formatRate(method.successRate),
              }),
            )
            .join(t("methodSeparator")),
        });

  return (
    <figure style={{ margin: 0 }}>
      <svg
        role="img"
        aria-labelledby={`${titleId} ${descriptionId}`}
        viewBox={`0 0 ${WIDTH} ${height}`}
        // Never drawn larger than its natural size, so its text stays the size of the page's.
        style={{ width: "100%", maxWidth: WIDTH, height: "auto", display: "block" }}
      >
        <title id={titleId}>{t("methodPerformance")}</title>
        <desc id={descriptionId}>{description}</desc>
        {methods.map((method, index) => {
          const y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
          const scale = barSpace / maxCount;
          const succeeded = method.succeeded * scale;
          const failed = method.failed * scale;
          const other = Math.max(0, method.count - method.succeeded - method.failed) * scale;
          return (
            <g key={method.paymentMethod}>
              <text
                x={LABEL_WIDTH - 8}
                y={y + BAR_HEIGHT / 2}
                textAnchor="end"
                dominantBaseline="central"
                fontSize={13}
                fill={token.colorText}
              >
                {paymentMethodLabel(method.paymentMethod)}
              </text>
              <rect x={LABEL_WIDTH} y={y} width={succeeded} height={BAR_HEIGHT} fill={colors.succeeded} />
              <rect
                x={LABEL_WIDTH + succeeded}
                y={y}
                width={failed}
                height={BAR_HEIGHT}
                fill={colors.failed}
              />
              <rect
                x={LABEL_WIDTH + succeeded + failed}
                y={y}
                width={other}
                height={BAR_HEIGHT}
                fill={colors.other}
              />
              <text
                x={LABEL_WIDTH + succeeded + failed + other + 8}
                y={y + BAR_HEIGHT / 2}
                dominantBaseline="central"
                fontSize={12}
                fill={token.colorTextSecondary}
              >
                {`${method.count} · ${formatRate(method.successRate)}`}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <Flex gap="middle" wrap style={{ marginTop: 8 }}>
          <Swatch color={colors.succeeded} label={t("succeeded")} />
          <Swatch color={colors.failed} label={t("failed")} />
          <Swatch color={colors.other} label={t("pending")} />
          <Typography.Text type="secondary">{t("figures")}</Typography.Text>
        </Flex>
      </figcaption>
    </figure>
  );
}
