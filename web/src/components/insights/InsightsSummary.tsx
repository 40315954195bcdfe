// The headline figures of a period: transactions, payment success rate and failed payments.
import { Card, Col, Row, Statistic } from "antd";
import { useTranslation } from "react-i18next";
import type { Insights } from "../../api/types";

export function InsightsSummary({ insights }: { insights: Insights }) {
  const { t } = useTranslation("insights");
  const failed = insights.byPaymentMethod.reduce((sum, method) => sum + method.failed, 0);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={8}>
        <Card>
          <Statistic title={t("transactions")} value={insights.transactionCount} />
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card>
          {insights.successRate === null ? (
            <Statistic title={t("successRate")} value="–" />
          ) : (
            <Statistic title={t("successRate")} value={insights.successRate * 100} precision={1} suffix="%" />
          )}
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card>
          <Statistic title={t("failedPayments")} value={failed} />
        </Card>
      </Col>
    </Row>
  );
}
