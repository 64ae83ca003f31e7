// What the browser test and bench share: a free loopback port and Chromium's launch options.

import { createServer } from "node:net";

export function freePort() {
  return new Promise((ok) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Debian's Chromium, headless, with nothing that would reach for the network. */
export const chromiumOptions = () => ({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
