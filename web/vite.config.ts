// Build and dev-server configuration of the web client (root: web/, output: web/dist).
// In development the API runs on port 3000 and is reached through the proxy below.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

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

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
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
