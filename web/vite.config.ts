// Build and dev-server configuration of the web client (root: web/, output: web/dist).
// In development the API runs on port 3000 and is reached through the proxy below.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin, type ProxyOptions } from "vite";
import { antdStyles } from "./antd-styles.js";
import { precompressFiles } from "./precompress.js";
import { portalTheme } from "./src/theme.js";

const apiTarget = "http://127.0.0.1:3000";
// The origin the API accepts for state changes: its PUBLIC_URL (the server's default when unset).
const apiPublicOrigin = new URL(process.env.PUBLIC_URL || "http://localhost:3000").origin;

// The server refuses state changes whose Origin is not its PUBLIC_URL's (CSRF). A request the
// browser made same-origin to the dev server is same-origin to the API too, so its
// Origin is rewritten to the API's; cross-site requests keep theirs and stay refused.
const apiProxy: ProxyOptions = {
  target: apiTarget,
  changeOrigin: true,
  configure: (proxy) => {
    proxy.on("proxyReq", (proxyRequest, request) => {
      const origin = request.headers.origin;
      if (origin && URL.canParse(origin) && new URL(origin).host === request.headers.host) {
        proxyRequest.setHeader("origin", apiPublicOrigin);
      }
    });
  },
};

// React and the router, which every page needs and which change only with their versions, are one
// chunk of their own. Everything else (Ant Design included) is left to the bundler, so each page's
// chunk carries the components it uses and the login page does not load the portal's tables.
function chunkOf(moduleId: string): string | undefined {
  if (!moduleId.includes("node_modules")) return undefined;
  if (/[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/.test(moduleId)) {
    return "react";
  }
  return undefined;
}

// Ant Design's form context, which every input reads, takes FormProvider from rc-field-form's index,
// whose top level assembles the whole form engine (fields, lists, the async validator): every page
// with an input, the login page included, loaded all of it. FormProvider comes from its own module.
const FORM_CONTEXT = /[\\/]node_modules[\\/]antd[\\/]es[\\/]form[\\/]context\.js$/;
const FORM_PROVIDER_IMPORT = "import { FormProvider as RcFormProvider } from 'rc-field-form';";
const formContextAlone: Plugin = {
  name: "antd-form-context-alone",
  transform(code, id) {
    if (!FORM_CONTEXT.test(id)) return null;
    if (!code.includes(FORM_PROVIDER_IMPORT)) {
      this.warn("antd/es/form/context.js no longer imports rc-field-form's FormProvider as expected");
      return null;
    }
    return code.replace(
      FORM_PROVIDER_IMPORT,
      "import { FormProvider as RcFormProvider } from 'rc-field-form/es/FormContext';",
    );
  },
};

// Every text file of the build also as .br and .gz beside itself, which the server sends to browsers
// that accept them: the JavaScript is about a third of its size gzipped and less in brotli.
const precompressed: Plugin = {
  name: "precompressed",
  apply: "build",
  writeBundle(options, bundle) {
    if (options.dir) precompressFiles(options.dir, Object.keys(bundle));
  },
};

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), formContextAlone, antdStyles(portalTheme), precompressed],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // .vite/manifest.json: which files each page loads (bench/web-size.ts measures the login page's).
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: { manualChunks: chunkOf },
    },
  },
  server: {
    proxy: {
      "/api": apiProxy,
      "/healthz": apiProxy,
      "/readyz": apiProxy,
    },
  },
  preview: {
    proxy: {
      "/api": apiProxy,
      "/healthz": apiProxy,
      "/readyz": apiProxy,
    },
  },
});
