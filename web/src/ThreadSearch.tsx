// The sidebar's search box: the server's thread search (titles and message text), debounced,
// with the matching snippet; arrows move, Enter opens, Escape clears.

import { useEffect, useState } from "react";

import { transport } from "./client";

interface Hit {
  threadId: string;
  projectId: string;
  title: string;
  snippet: string;
  matchedIn: "title" | "message";
}

const DEBOUNCE_MS = 200;

/** `revision` changes when the threads may match differently: an open search is asked again,
 * so its results stay live. */
export function ThreadSearch(props: { onOpen: (threadId: string) => void; revision?: string }) {
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits(null);
      setError(null);
      return;
    }
    let stale = false;
    setSearching(true);
    const timer = setTimeout(() => {
      transport
        .request<{ results: Hit[] }>({ _tag: "orchestration.searchThreads", query: q, limit: 20, includeArchived: true })
        .then(
          (r) => !stale && (setHits(r.results), setActive((i) => (i < r.results.length ? i : 0)), setError(null)),
          (e: Error) => !stale && setError(`Search failed: ${e.message}`),
        )
        .finally(() => !stale && setSearching(false));
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query, props.revision]);

  const open = (hit: Hit | undefined) => {
    if (!hit) return;
    props.onOpen(hit.threadId);
    setQuery("");
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === "ArrowDown" && hits?.length) {
      e.preventDefault();
      setActive((i) => (i + 1) % hits.length);
    } else if (e.key === "ArrowUp" && hits?.length) {
      e.preventDefault();
      setActive((i) => (i - 1 + hits.length) % hits.length);
    } else if (e.key === "Enter") {
      open(hits?.[active]);
    } else if (e.key === "Escape") {
      setQuery("");
    }
  };
  const optionId = (i: number) => `thread-search-hit-${i}`;
  return (
    <div className="thread-search">
      <input
        type="search"
        aria-label="Search threads"
        placeholder="Search threads"
        value={query}
        role="combobox"
        aria-expanded={!!hits}
        aria-controls="thread-search-results"
        aria-activedescendant={hits?.length ? optionId(active) : undefined}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKey}
      />
      {error && <div className="error">{error}</div>}
      {hits && (
        <ul id="thread-search-results" role="listbox" aria-label="Search results" className="search-results">
          {hits.length === 0 && !searching && <li className="muted">No thread matches.</li>}
          {hits.map((hit, i) => (
            <li
              key={hit.threadId}
              id={optionId(i)}
              role="option"
              data-thread-id={hit.threadId}
              aria-selected={i === active}
              className={`search-hit ${i === active ? "active" : ""}`}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => open(hit)}
            >
              <span className="search-hit-title">{hit.title}</span>
              {hit.matchedIn === "message" && <span className="search-hit-snippet">{hit.snippet}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
