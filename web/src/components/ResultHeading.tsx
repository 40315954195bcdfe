// The title of an Ant Design Result that stands for a whole page (404, 403, a closed company):
// the page's h1, looking as the Result's title does.
import { useDocumentTitle } from "./PageTitle";

export function ResultHeading({ children }: { children: string }) {
  useDocumentTitle(children);
  return <h1 style={{ margin: 0, font: "inherit", color: "inherit" }}>{children}</h1>;
}
