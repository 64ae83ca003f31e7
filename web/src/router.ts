// A tiny router over the address bar: `/` (the default thread), `/settings`, `/<threadId>`.
// Selecting a thread pushes its address; back and forward come as popstate.

export type Route = { kind: "home" } | { kind: "settings" } | { kind: "thread"; threadId: string };

const THREAD_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/^\/+|\/+$/g, "");
  if (path === "") return { kind: "home" };
  if (path === "settings") return { kind: "settings" };
  let id = path;
  try {
    id = decodeURIComponent(path);
  } catch {
    return { kind: "home" };
  }
  return THREAD_ID.test(id) ? { kind: "thread", threadId: id } : { kind: "home" };
}

export function routePath(route: Route): string {
  switch (route.kind) {
    case "home":
      return "/";
    case "settings":
      return "/settings";
    case "thread":
      return `/${encodeURIComponent(route.threadId)}`;
  }
}

/** Goes to `route`, adding a history entry (or replacing the current one); listeners hear it. */
export function navigate(route: Route, replace = false): void {
  const path = routePath(route);
  if (window.location.pathname === path) return;
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event("t3rs:route"));
}

export function currentRoute(): Route {
  return parseRoute(window.location.pathname);
}

/** Calls `listener` on back/forward and on `navigate`. */
export function onRouteChange(listener: (route: Route) => void): () => void {
  const handler = () => listener(currentRoute());
  window.addEventListener("popstate", handler);
  window.addEventListener("t3rs:route", handler);
  return () => {
    window.removeEventListener("popstate", handler);
    window.removeEventListener("t3rs:route", handler);
  };
}
