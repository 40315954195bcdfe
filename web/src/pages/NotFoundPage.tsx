// Any path the portal does not know.
import { Result } from "antd";
import { Link } from "react-router-dom";
import { ResultHeading } from "../components/ResultHeading";

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title={<ResultHeading>Page not found</ResultHeading>}
      subTitle="This page does not exist."
      extra={<Link to="/">Go to the portal</Link>}
    />
  );
}
