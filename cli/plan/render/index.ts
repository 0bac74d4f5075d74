/** One entry point for the three output formats. */
import type { PlanFormat } from "../args";
import type { PlanResult } from "../model";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { renderText } from "./text";

export function renderPlan(result: PlanResult, format: PlanFormat, opts: { color: boolean }): string {
  switch (format) {
    case "json":
      return renderJson(result);
    case "markdown":
      return renderMarkdown(result);
    case "text":
      return renderText(result, opts);
  }
}
