// The colour theme: "system" follows prefers-color-scheme, "light"/"dark" pin it; either way
// data-theme on <html> says what is shown (styles.css reads only that). Applied by boot.ts
// before the app renders, so a dark page never flashes light.

export type ThemeChoice = "system" | "light" | "dark";

const KEY = "t3rs.theme";
const CHOICES: ThemeChoice[] = ["system", "light", "dark"];

export function readTheme(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY) as ThemeChoice | null;
    return stored && CHOICES.includes(stored) ? stored : "system";
  } catch {
    return "system";
  }
}

const systemDark = () =>
  typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
let current: ThemeChoice = "system";

/** Sets data-theme to what is shown: the choice, or for "system" what the system prefers. */
export function applyTheme(choice: ThemeChoice): void {
  current = choice;
  const root = document.documentElement;
  root.setAttribute("data-theme", choice === "system" ? (systemDark() ? "dark" : "light") : choice);
  // The phone's browser bar takes the page's colour: a pinned theme pins both metas to it.
  for (const meta of document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')) {
    meta.dataset.system ??= meta.content;
    meta.content = choice === "system" ? meta.dataset.system : BAR[choice];
  }
}

const BAR = { light: "#ffffff", dark: "#15161a" };

// A system theme follows the system when it changes while the page is open.
if (typeof window !== "undefined" && typeof window.matchMedia === "function") {
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    if (current === "system") applyTheme("system");
  });
}

export function setTheme(choice: ThemeChoice): void {
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    // Private mode without storage: the choice holds for this page only.
  }
  applyTheme(choice);
  listeners.forEach((l) => l(choice));
}

const listeners = new Set<(c: ThemeChoice) => void>();
export function onTheme(listener: (c: ThemeChoice) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
