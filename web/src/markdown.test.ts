import { describe, expect, it } from "vitest";

import { renderMarkdown } from "./markdown";

describe("renderMarkdown", () => {
  it("renders the usual markdown", () => {
    const html = renderMarkdown("# Title\n\nSome **bold** and `code`.\n\n```rust\nfn main() {}\n```\n\n- one\n- two");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain('<pre><code class="language-rust">fn main() {}');
    expect(html).toContain("<li>one</li>");
  });

  it("escapes raw HTML instead of rendering it", () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;");
  });

  it("refuses script URLs in links and images", () => {
    const html = renderMarkdown("[click](javascript:alert(1)) ![x](javascript:alert(2)) [v](vbscript:x)");
    expect(html).not.toMatch(/href="(javascript|vbscript):/);
    expect(html).not.toMatch(/src="javascript:/);
  });

  it("opens links in a new tab without handing over the opener", () => {
    const html = renderMarkdown("[docs](https://example.com) and https://example.org");
    expect(html).toContain('<a href="https://example.com" target="_blank" rel="noreferrer noopener">docs</a>');
    expect(html).toContain('href="https://example.org"');
  });
});
