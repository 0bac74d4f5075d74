/**
 * The parts of a markdown file the documentation tests read, found by a real CommonMark parser (markdown-it) so that
 * code is never taken for a link or a link for code: inline code spans, the lines of code blocks, links, and the
 * anchors GitHub gives the headings (github-slugger: GitHub's own slug rules, numbered on repeats).
 */
import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";
type Token = MarkdownIt.Token;

export interface MarkdownParts {
  /** Text of every inline code span. */
  codeSpans: string[];
  /** Every line of every fenced or indented code block. */
  codeLines: string[];
  /** Every link target (`href`) and image source, with the line it is on (1-based). */
  links: Array<{ target: string; line: number }>;
  /** The anchors of the headings, as GitHub makes them. */
  anchors: Set<string>;
}

const parser = new MarkdownIt({ html: true });

/** The text a heading shows: its text and code, without markup (what GitHub slugs). */
function plainText(children: readonly Token[]): string {
  return children.map((t) => (t.type === "text" || t.type === "code_inline" ? t.content : t.children !== null ? plainText(t.children) : "")).join("");
}

export function readMarkdown(text: string): MarkdownParts {
  const parts: MarkdownParts = { codeSpans: [], codeLines: [], links: [], anchors: new Set() };
  const slugger = new GithubSlugger();
  const tokens = parser.parse(text, {});
  tokens.forEach((token, i) => {
    const line = (token.map?.[0] ?? 0) + 1;
    if (token.type === "fence" || token.type === "code_block") parts.codeLines.push(...token.content.split("\n"));
    if (token.type === "heading_open") parts.anchors.add(slugger.slug(plainText(tokens[i + 1].children ?? [])));
    if (token.type === "html_block") {
      for (const m of token.content.matchAll(/\b(?:href|src)="([^"]+)"/g)) parts.links.push({ target: m[1], line });
      for (const m of token.content.matchAll(/\b(?:id|name)="([^"]+)"/g)) parts.anchors.add(m[1]);
    }
    if (token.type !== "inline") return;
    for (const child of token.children ?? []) {
      if (child.type === "code_inline") parts.codeSpans.push(child.content);
      const target = child.type === "link_open" ? child.attrGet("href") : child.type === "image" ? child.attrGet("src") : null;
      if (typeof target === "string") parts.links.push({ target, line });
      if (child.type === "html_inline") for (const m of child.content.matchAll(/\b(?:href|src)="([^"]+)"/g)) parts.links.push({ target: m[1], line });
    }
  });
  return parts;
}
