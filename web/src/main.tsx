import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import "./styles.css";

// For `make bench`: when the app's code has loaded and starts (the socket is already open).
performance.mark("t3rs:app");
const root = document.getElementById("root");
// A task later, not at once: by then the transport has taken what the early socket received
// while this code loaded (microtasks, client.ts), so the first render usually has the shell and
// the open thread's page, and the page renders once instead of empty and then again.
if (root) {
  setTimeout(() =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
}
