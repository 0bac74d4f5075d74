/**
 * The markdown plan as GitHub shows it: a CommonMark + GFM parser (markdown-it, tables on) reads what renderMarkdown
 * writes, and every code span must show its text exactly (no HTML entity inside: GitHub prints those literally), raw
 * HTML outside code must show as text, and pipes must not break table rows.
 */
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../cli/plan/model";
import { cell, code, codeSpanParts, inline, renderMarkdown } from "../../cli/plan/render/markdown";

type Token = MarkdownIt.Token;
const md = new MarkdownIt();

function inlineTokens(markdown: string): Token[] {
  return md.parse(markdown, {}).flatMap((t) => (t.type === "inline" ? (t.children ?? []) : []));
}

const codeTexts = (markdown: string) => inlineTokens(markdown).filter((t) => t.type === "code_inline").map((t) => t.content);
const plainText = (markdown: string) => inlineTokens(markdown).filter((t) => t.type === "text").map((t) => t.content).join("");

describe("markdown helpers", () => {
  it("finds code spans as CommonMark does", () => {
    expect(codeSpanParts("run `npm run discover -- --stack <name>` now")).toEqual([
      { code: false, text: "run " },
      { code: true, text: "`npm run discover -- --stack <name>`" },
      { code: false, text: " now" },
    ]);
    expect(codeSpanParts("a `` b ` c `` d ` e")).toEqual([
      { code: false, text: "a " },
      { code: true, text: "`` b ` c ``" },
      { code: false, text: " d ` e" },
    ]);
  });

  it("escapes HTML outside code spans only, and pipes everywhere in a cell", () => {
    expect(inline("<b> & `<name> & x`\nnext")).toBe("&lt;b&gt; &amp; `<name> & x`<br>next");
    expect(cell("a|b `c|d` <script>")).toBe("a\\|b `c\\|d` &lt;script&gt;");
    expect(code("plain")).toBe("`plain`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x`")).toBe("`` `x` ``");
    expect(code("x|y")).toBe("`x\\|y`");
  });
});

describe("the markdown plan", () => {
  const result: PlanResult = {
    stack: "dev",
    project: "k2-oauth",
    date: "2027-02-14",
    stackFile: "stacks/Pulumi.dev.yaml",
    resources: [],
    checks: {
      resourcesChecked: 1,
      failures: [
        {
          urn: "urn:pulumi:dev::k2-oauth::T::k2-bearer-token",
          type: "T",
          name: "k2-bearer-token",
          property: "parameters.audience",
          reason: "expected exactly `https://api.k2.com/` for <audience> & never `x|y`",
          configKeys: ["k2-oauth:k2Api.audience"],
          given: "https://api.k2.com|x <y>",
        },
      ],
    },
    policy: {
      packDir: "policies",
      configFile: "policies/config/dev.json",
      resourcesAnalyzed: 1,
      violations: [
        {
          policy: "p",
          level: "advisory",
          enforcementLevel: "advisory",
          policyPack: "k2-oauth",
          urn: "urn:pulumi:dev::k2-oauth::T::res",
          message: "set `a|b` to <value> & run `npm run plan -- --stack <name>`",
        },
      ],
    },
    warnings: ["Run `npm run discover -- --stack <name>` against the K2 server & set the <mapping> key"],
    placeholders: [{ value: "0ff11e00-0000-4000-8000-000000000001", meaning: "stand-in for `<object id>` & co" }],
    diff: {
      against: "origin/main",
      base: "existing",
      added: [],
      removed: [],
      unchanged: 0,
      changed: [{ urn: "urn:x::T::res", type: "T", name: "res", changes: [{ path: "tags.x", kind: "changed", before: "a`b|c", after: "<new>" }] }],
    },
  };
  const markdown = renderMarkdown(result);

  it("code spans show their text exactly: no HTML entity inside", () => {
    const spans = codeTexts(markdown);
    expect(spans).toEqual(
      expect.arrayContaining([
        "npm run discover -- --stack <name>",
        "a|b",
        "npm run plan -- --stack <name>",
        "<object id>",
        '"a`b|c"',
        '"<new>"',
        "parameters.audience",
        "https://api.k2.com/",
        "x|y",
        "k2-oauth:k2Api.audience",
      ]),
    );
    for (const span of spans) expect(span).not.toMatch(/&(lt|gt|amp);/);
  });

  it("text outside code shows < > & as written, never as HTML", () => {
    expect(inlineTokens(markdown).some((t) => t.type === "html_inline")).toBe(false);
    const text = plainText(markdown);
    expect(text).toContain("against the K2 server & set the <mapping> key");
    expect(text).toContain("to <value> & run");
    expect(text).toContain("for <audience> & never");
    expect(text).toContain("; got 'https://api.k2.com|x <y>'");
  });

  it("pipes stay inside their cells", () => {
    const tokens = md.parse(markdown, {});
    const rows = tokens.filter((t) => t.type === "tr_open").map((open) => {
      const start = tokens.indexOf(open);
      const end = tokens.findIndex((t, i) => i > start && t.type === "tr_close");
      return tokens.slice(start, end).filter((t) => t.type === "td_open" || t.type === "th_open").length;
    });
    // The changes table has 6 columns, the provider checks table 5, the findings table 4: every row keeps its table's count.
    expect(rows).toEqual([6, 6, 5, 5, 4, 4, 3]);
  });
});
