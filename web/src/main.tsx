// Browser entry: mounts the application into #root.
import "./antdReact19";
import "./i18n";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
// Ant Design's styles of the components the portal uses, built with the app (web/antd-styles.ts).
import "virtual:antd-styles.css";
import "antd/dist/reset.css";
import "./global.css";
import { App, firstPageReady } from "./App";

const container = document.getElementById("root");
if (container === null) throw new Error("index.html has no #root element");

// The first render waits for what the page at this address needs (index.html shows a spinner
// meanwhile), so it draws the page once rather than a spinner per level of code and data.
void firstPageReady().then(() =>
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
