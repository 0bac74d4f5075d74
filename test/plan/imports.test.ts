/**
 * Resources with the `import` option (clients adopted with `npm run adopt`) in the offline plan: each renderer marks
 * them and counts them; a plan without any prints exactly what it printed before; the diff against a base names an
 * import id that was added, removed or changed (the engine imports the new object and drops the old one).
 */
import { describe, expect, it } from "vitest";
import { diffPlans, IMPORT_ID_PATH } from "../../cli/plan/diff";
import type { PlannedResource } from "../../cli/plan/model";
import { planJson } from "../../cli/plan/render/json";
import { renderMarkdown } from "../../cli/plan/render/markdown";
import { importsText, renderText } from "../../cli/plan/render/text";
import { planResult } from "./project";

const APP_IMPORT = "/applications/0a000000-0000-4000-8000-000000000001";
const SP_IMPORT = "/servicePrincipals/0a000000-0000-4000-8000-0000000000b1";

function res(name: string, importId?: string): PlannedResource {
  return {
    urn: `urn:pulumi:dev::k2-oauth::azuread:index/application:Application::${name}`,
    type: "azuread:index/application:Application",
    name,
    custom: true,
    dependencies: [],
    wireInputs: { displayName: name },
    inputs: { displayName: name },
    ...(importId !== undefined ? { importId } : {}),
  };
}

const WITH_IMPORTS = planResult({ resources: [res("pa-app", APP_IMPORT), res("pa-sp", SP_IMPORT), res("new-app")] });
const WITHOUT = planResult({ resources: [res("new-app")] });

describe("importsText", () => {
  it("counts the resources to import; nothing when there are none", () => {
    expect(importsText(WITH_IMPORTS)).toBe(" (2 to import)");
    expect(importsText(planResult({ resources: [res("a", APP_IMPORT)] }))).toBe(" (1 to import)");
    expect(importsText(WITHOUT)).toBe("");
  });
});

describe("text", () => {
  it("marks each resource to import with its id, and counts them in the title and the summary", () => {
    const lines = renderText(WITH_IMPORTS, { color: false }).split("\n");
    expect(lines).toContain("Resources (3, 2 to import)");
    expect(lines).toContain(`  azuread:index/application:Application  pa-app  (import ${APP_IMPORT})`);
    expect(lines).toContain(`  azuread:index/application:Application  pa-sp  (import ${SP_IMPORT})`);
    expect(lines).toContain("  azuread:index/application:Application  new-app");
    expect(lines.at(-2)).toBe("Summary: 3 resources (2 to import); 0 mandatory and 0 advisory policy violations.");
  });

  it("a plan without imports says nothing about them", () => {
    const text = renderText(WITHOUT, { color: false });
    expect(text).not.toMatch(/import/);
    expect(text.split("\n")).toContain("Resources (1)");
  });
});

describe("markdown", () => {
  it("adds an Import column with each id, and the count to the resource lines", () => {
    const md = renderMarkdown(WITH_IMPORTS);
    expect(md).toContain("_3 resources (2 to import) from `stacks/Pulumi.dev.yaml`");
    expect(md).toContain("<details><summary>All 3 resources (2 to import) (desired state)</summary>");
    const lines = md.split("\n");
    expect(lines).toContain("| Type | Name | Parent | Import |");
    expect(lines).toContain(`| \`azuread:index/application:Application\` | \`pa-app\` |  | \`${APP_IMPORT}\` |`);
    expect(lines).toContain("| `azuread:index/application:Application` | `new-app` |  |  |");
  });

  it("no Import column without imports", () => {
    const md = renderMarkdown(WITHOUT);
    expect(md.split("\n")).toContain("| Type | Name | Parent |");
    expect(md).not.toMatch(/import/i);
  });
});

describe("json", () => {
  it("every resource has importId: the id, or null", () => {
    const json = planJson(WITH_IMPORTS) as { resources: Array<{ name: string; importId: string | null }> };
    expect(json.resources.map((r) => [r.name, r.importId])).toEqual([
      ["pa-app", APP_IMPORT],
      ["pa-sp", SP_IMPORT],
      ["new-app", null],
    ]);
  });
});

describe("diffPlans", () => {
  it("an import id added, removed or changed is a change of the resource; the same id is no change", () => {
    const other = "/applications/0a000000-0000-4000-8000-000000000009";
    const diff = diffPlans("main", [res("same", APP_IMPORT), res("added"), res("removed", APP_IMPORT), res("changed", APP_IMPORT)], [
      res("same", APP_IMPORT),
      res("added", APP_IMPORT),
      res("removed"),
      res("changed", other),
    ]);
    expect(diff.unchanged).toBe(1);
    expect(diff.changed.map((c) => [c.name, c.changes])).toEqual([
      ["added", [{ path: IMPORT_ID_PATH, kind: "added", after: APP_IMPORT }]],
      ["removed", [{ path: IMPORT_ID_PATH, kind: "removed", before: APP_IMPORT }]],
      ["changed", [{ path: IMPORT_ID_PATH, kind: "changed", before: APP_IMPORT, after: other }]],
    ]);
  });
});
