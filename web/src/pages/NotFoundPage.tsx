// Any path the portal does not know.
import { Result } from "antd";
import { Link } from "react-router-dom";

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title="Page not found"
      subTitle="This page does not exist."
      extra={<Link to="/">Go to the portal</Link>}
    />
  );
}
