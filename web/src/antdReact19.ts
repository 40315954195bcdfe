// Lets antd 5 render its detached pieces (button wave, static message/notification/modal)
// with React 19's createRoot; the same thing @ant-design/v5-patch-for-react-19 does.
import { unstableSetRender } from "antd";
import { createRoot, type Root } from "react-dom/client";

const roots = new WeakMap<Element | DocumentFragment, Root>();

unstableSetRender((node, container) => {
  let root = roots.get(container);
  if (root === undefined) {
    root = createRoot(container);
    roots.set(container, root);
  }
  root.render(node);
  return async () => {
    // Unmounting while React is rendering warns; wait for the current task to finish.
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
    roots.delete(container);
  };
});
