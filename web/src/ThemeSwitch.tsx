// The theme control (top bar and settings page): system, light or dark.

import { useEffect, useState } from "react";

import { onTheme, readTheme, setTheme, type ThemeChoice } from "./theme";

export function ThemeSwitch({ compact = false }: { compact?: boolean }) {
  const [choice, setChoice] = useState<ThemeChoice>(readTheme);
  useEffect(() => onTheme(setChoice), []);
  return (
    <label className={`theme-switch ${compact ? "compact" : ""}`}>
      <span className={compact ? "visually-hidden" : ""}>Theme</span>
      <select
        className="sm"
        data-testid="theme-switch"
        value={choice}
        onChange={(e) => setTheme(e.target.value as ThemeChoice)}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
