import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves dist/ at `/` (index.html) and `/assets/*`.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false },
  test: { environment: "node" },
});
