/** The bench's verdict lines (bench/index.ts benchVerdicts): the accepted targets, judged at their exact edges. */
import { describe, expect, it } from "vitest";
import { benchVerdicts, perClientCosts } from "../../bench/index";

type Figures = Parameters<typeof benchVerdicts>[0];

/**
 * A run whose figures sit exactly on every target: 1 client 2.5x, 200 clients 8x (the verdicts read the ratios the
 * run computed), each client from 1 to 200 costing exactly 1.25 times what it cost from 1 to 50, 1,200/s.
 */
function onTheEdge(): Figures {
  return {
    planMs: { "1": 2500, "50": 2500 + 49 * 20, "200": 2500 + 199 * 25 },
    analyzeResourcesPerSec: 1200,
    // Only the ratios are read from detail; the rest of it (samples, CPU) plays no part in a verdict.
    detail: { ratios: { "1": 2.5, "50": 3.5, "200": 8 } } as unknown as Figures["detail"],
  };
}

describe("benchVerdicts", () => {
  it("names the accepted targets, in order, and meets each at its edge", () => {
    expect(benchVerdicts(onTheEdge())).toEqual([
      { target: "plan(1) <= 2.5x baseline", met: true },
      { target: "plan(200) <= 8x baseline", met: true },
      { target: "growth no worse than linear", met: true },
      { target: ">= 1,200 resources/s analysed", met: true },
    ]);
  });

  it("misses each target one step past its edge, and only that one", () => {
    const cases: [string, (f: Figures) => void][] = [
      ["plan(1) <= 2.5x baseline", (f) => void (f.detail.ratios["1"] = 2.51)],
      ["plan(200) <= 8x baseline", (f) => void (f.detail.ratios["200"] = 8.01)],
      ["growth no worse than linear", (f) => void (f.planMs["50"] = 2500 + 49 * 19)],
      [">= 1,200 resources/s analysed", (f) => void (f.analyzeResourcesPerSec = 1199)],
    ];
    for (const [target, change] of cases) {
      const figures = onTheEdge();
      change(figures);
      const missed = benchVerdicts(figures).filter((v) => !v.met).map((v) => v.target);
      expect(missed).toEqual([target]);
    }
    expect(cases).toHaveLength(4);
  });

  it("measures growth as the cost per added client, from 1 to 50 and from 1 to 200 clients", () => {
    expect(perClientCosts({ planMs: { "1": 1000, "50": 1490, "200": 2990 } })).toEqual({ perClient50: 10, perClient200: 10 });
  });
});
