// What the browser test and bench share: a free loopback port, the t3rs server started and
// stopped, and Chromium with a page that records console errors.

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";

/** The built client the server is pointed at. */
export const webDist = resolve(new URL(".", import.meta.url).pathname, "../dist");

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

/** Resolves with the first match of `pattern` in the child's stdout; rejects after `ms` or if
 * the child exits first. */
export function waitForLine(child, pattern, ms = 30_000) {
  return new Promise((ok, bad) => {
    let buffered = "";
    const timer = setTimeout(() => bad(new Error(`no line matching ${pattern}`)), ms);
    child.stdout.on("data", (chunk) => {
      buffered += chunk.toString();
      const match = buffered.match(pattern);
      if (match) {
        clearTimeout(timer);
        ok(match);
      }
    });
    child.on("exit", (code) => bad(new Error(`exited with ${code} before ${pattern}`)));
  });
}

/** Starts the t3rs binary on `port` serving the built client, and waits until it listens.
 * With `auth` the server runs as it does by default and `server.pairingUrl` is the one-time
 * link it printed; without, it runs with --no-auth. `claudeBin` is passed as --claude-bin; an
 * `env` value of undefined removes the variable. */
export async function startServer({ bin, port, stateDir, cwd, codexBin, claudeBin, env = {}, auth = false }) {
  const server = spawn(
    bin,
    ["--port", String(port), "--state-dir", stateDir, "--no-browser", "--cwd", cwd,
     "--web-dir", webDist, "--codex-bin", codexBin, ...(claudeBin ? ["--claude-bin", claudeBin] : []),
     ...(auth ? [] : ["--no-auth"])],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } },
  );
  const pairing = auth ? waitForLine(server, /pair a browser[^:]*: (http:\/\/127\.0\.0\.1\S+)/) : null;
  await waitForLine(server, /t3rs listening on (http:\/\/\S+)/);
  if (pairing) server.pairingUrl = (await pairing)[1];
  return server;
}

/** SIGTERM, then waits for the exit. */
export async function stopServer(server) {
  if (server.exitCode !== null) return;
  const exited = new Promise((ok) => server.on("exit", ok));
  server.kill("SIGTERM");
  await exited;
}

/** A 1280×800 page whose console errors and uncaught exceptions land in `consoleErrors`. */
export async function newPage(browser, timeout) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(timeout);
  return { page, consoleErrors };
}
