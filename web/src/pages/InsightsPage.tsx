// Insights (`insights.view`): for the last 7, 30 or 90 days, transactions and the payment success
// rate, performance per payment method (table and chart), the error report and daily volume.
import { Alert, Card, Col, Flex, Row, Skeleton } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useInsights } from "../api/queries";
import { useCurrentMembership } from "../components/CurrentMembership";
import { DailyVolumeChart } from "../components/insights/DailyVolumeChart";
import { ErrorReportTable } from "../components/insights/ErrorReportTable";
import { type InsightsPeriodDays, InsightsPeriodPicker } from "../components/insights/InsightsPeriodPicker";
import { InsightsSummary } from "../components/insights/InsightsSummary";
import { PaymentMethodChart } from "../components/insights/PaymentMethodChart";
import { PaymentMethodTable } from "../components/insights/PaymentMethodTable";
import { PageTitle } from "../components/PageTitle";
import { QueryErrorResult } from "../components/QueryErrorResult";

const DAY = 24 * 3600 * 1000;

/** The start of the period: UTC midnight `days - 1` days before today, so every day is whole. */
function periodStart(days: number, now = Date.now()): string {
  return new Date((Math.floor(now / DAY) - (days - 1)) * DAY).toISOString();
}

export function InsightsPage() {
  const { t } = useTranslation(["insights", "format"]);
  const { membership } = useCurrentMembership();
  const [days, setDays] = useState<InsightsPeriodDays>(30);
  // Stable through the day, so the query key does not change on every render; `to` is the server's now.
  const insights = useInsights(membership.companyId, { from: periodStart(days) });
  const periodLabel = t("periodLabel", { days });

  return (
    <>
      <PageTitle>{t("title")}</PageTitle>
      <Flex justify="space-between" align="center" wrap gap="middle" style={{ marginBottom: 16 }}>
        <InsightsPeriodPicker days={days} onChange={setDays} />
      </Flex>
      {insights.isPending ? (
        <Skeleton active />
      ) : insights.isError ? (
        <QueryErrorResult error={insights.error} onRetry={() => insights.refetch()} />
      ) : (
        <Flex vertical gap="large" style={{ opacity: insights.isPlaceholderData ? 0.6 : 1 }}>
          {insights.data.transactionCount === 0 && (
            <Alert type="info" showIcon message={t("noTransactionsIn", { period: periodLabel })} />
          )}
          <InsightsSummary insights={insights.data} />
          <Card title={t("methodPerformance")}>
            <Row gutter={[24, 24]}>
              <Col span={24}>
                <PaymentMethodChart methods={insights.data.byPaymentMethod} periodLabel={periodLabel} />
              </Col>
              <Col span={24}>
                <PaymentMethodTable
                  methods={insights.data.byPaymentMethod}
                  currency={insights.data.currency}
                />
              </Col>
            </Row>
          </Card>
          <Row gutter={[24, 24]}>
            <Col xs={24} xl={10}>
              <Card title={t("errorReport")}>
                <ErrorReportTable errors={insights.data.errors} />
              </Card>
            </Col>
            <Col xs={24} xl={14}>
              <Card title={t("dailyVolumeIn", { currency: insights.data.currency })}>
                <DailyVolumeChart
                  daily={insights.data.daily}
                  from={insights.data.period.from}
                  to={insights.data.period.to}
                  currency={insights.data.currency}
                />
              </Card>
            </Col>
          </Row>
        </Flex>
      )}
    </>
  );
}
