import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_PLACEHOLDER, StackFileError, loadStackFile, parseStackText } from "../../cli/stackFile";
import { validateStackConfig } from "../../components/config";
import { REPO_ROOT } from "../helpers/program";

describe("stack files", () => {
  it("loads the example stacks, which are valid config", () => {
    for (const name of ["dev", "prod"]) {
      const s = loadStackFile(name, REPO_ROOT);
      expect(s.secretPaths).toEqual(["k2.admin.password"]);
      expect(s.secretKeys).toEqual(["k2-oauth:k2"]);
      expect(s.issues).toEqual([]);
      expect(s.label).toBe(`stacks/Pulumi.${name}.yaml`);
      const cfg = validateStackConfig(s.config);
      expect(cfg.k2.admin?.password).toBe(SECRET_PLACEHOLDER);
      expect(JSON.parse(s.engineConfig["k2-oauth:clients"])).toEqual(s.config.clients);
      expect(s.engineConfig["k2-oauth:tenantId"]).toBe(cfg.tenantId);
    }
  });

  it("masks a plaintext secret and refuses it without echoing it", () => {
    const text = `config:\n  k2-oauth:k2:\n    url: https://k2\n    admin:\n      username: u\n      password: hunter2-plain\n  aws:region: x\n`;
    const s = parseStackText(text, "dev", "/x/Pulumi.dev.yaml");
    expect(JSON.stringify(s)).not.toContain("hunter2-plain");
    // Kept for scrubbing the plan's output, behind a function: never part of the object's data.
    expect(s.plaintextSecrets()).toEqual(["hunter2-plain"]);
    expect(s.issues).toEqual([
      {
        path: "k2-oauth:k2.admin.password",
        message:
          "is a secret but Pulumi.dev.yaml holds it in plain text; remove it there, then store it encrypted with: pulumi config set --secret --path 'k2.admin.password' --stack dev (a password once committed in plain text should also be changed)",
      },
    ]);
    expect(s.secretKeys).toEqual(["k2-oauth:k2"]);
    expect(s.engineConfig["aws:region"]).toBe("x");
    expect(s.config).not.toHaveProperty("aws:region");
  });

  it("replaces secure values anywhere, never decrypting them", () => {
    const s = parseStackText(`config:\n  k2-oauth:tenantId:\n    secure: AAAbbb\n`, "dev", "f");
    expect(s.config.tenantId).toBe(SECRET_PLACEHOLDER);
    expect(s.secretKeys).toEqual(["k2-oauth:tenantId"]);
  });

  it("reports bad YAML, a bad shape, bad names and missing stacks clearly", () => {
    expect(() => parseStackText("config: [a, b", "dev", "f.yaml")).toThrow(/f\.yaml is not valid YAML/);
    expect(() => parseStackText("config: [1]", "dev", "f.yaml")).toThrow(StackFileError);
    expect(() => loadStackFile("../etc", REPO_ROOT)).toThrow(/invalid stack name/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k2-stack-"));
    try {
      fs.mkdirSync(path.join(dir, "stacks"));
      fs.writeFileSync(path.join(dir, "stacks", "Pulumi.qa.yaml"), "config: {}\n");
      expect(() => loadStackFile("nope", dir)).toThrow(/no stack file stacks\/Pulumi\.nope\.yaml; known stacks: qa/);
      expect(loadStackFile("qa", dir).config).toEqual({});
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
