// The headline figures of a period: transactions, payment success rate and failed payments.
import { Card, Col, Row, Statistic } from "antd";
import type { Insights } from "../../api/types";

export function InsightsSummary({ insights }: { insights: Insights }) {
  const failed = insights.byPaymentMethod.reduce((sum, method) => sum + method.failed, 0);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={8}>
        <Card>
          <Statistic title="Transactions" value={insights.transactionCount} />
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card>
          {insights.successRate === null ? (
            <Statistic title="Payment success rate" value="–" />
          ) : (
            <Statistic
              title="Payment success rate"
              value={insights.successRate * 100}
              precision={1}
              suffix="%"
            />
          )}
        </Card>
      </Col>
      <Col xs={24} md={8}>
        <Card>
          <Statistic title="Failed payments" value={failed} />
        </Card>
      </Col>
    </Row>
  );
}
