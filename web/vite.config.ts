import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves dist/ at `/` (index.html) and `/assets/*`.
export default defineConfig({
  plugins: [react()],
  // boot.ts opens the socket before the main chunk loads; xterm and the diff view are lazy
  // chunks (see index.html, boot.ts and the lazy() imports).
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false },
  test: { environment: "node" },
});
