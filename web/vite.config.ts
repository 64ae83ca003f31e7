import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves dist/ at `/` (index.html) and `/assets/*`.
export default defineConfig({
  plugins: [react()],
  // One bundle (about 180 KB gzipped) is served from loopback; splitting it buys nothing here.
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, chunkSizeWarningLimit: 1024 },
  test: { environment: "node" },
});
