import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves dist/ at `/` (index.html) and `/assets/*`.
export default defineConfig({
  plugins: [react()],
  // The app is written against React's API and runs on Preact's compatibility layer: a fifth
  // of React's size to load and compile before the first render (`make bench`).
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
      { find: /^react-dom$/, replacement: "preact/compat" },
      { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
      { find: /^react\/jsx-dev-runtime$/, replacement: "preact/jsx-dev-runtime" },
      { find: /^react$/, replacement: "preact/compat" },
    ],
  },
  // boot.ts opens the socket before the main chunk loads; xterm and the diff view are lazy
  // chunks (see index.html, boot.ts and the lazy() imports). Every browser the client supports
  // knows modulepreload, so Vite's polyfill for it is left out of the entry.
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, modulePreload: { polyfill: false } },
  test: { environment: "node" },
});
