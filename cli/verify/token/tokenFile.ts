/**
 * `--token-file`: a token obtained elsewhere (Postman, `az account get-access-token --resource https://api.k2.com/`).
 * The file holds the raw JWT, or JSON with `access_token` (OAuth) or `accessToken` (Azure CLI).
 */
import * as fs from "node:fs";
import { pass } from "../checks";
import { UsageError } from "../options";
import type { Redactor } from "../redact";
import type { TokenResult } from "./context";
import { TOKEN_CHECK_ID, TOKEN_CHECK_TITLE } from "./tokenResponse";

export function readTokenFile(file: string, redactor: Redactor): TokenResult {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch (e) {
    throw new UsageError(`--token-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  redactor.add(text);
  let token = text;
  if (text.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--token-file ${file}: starts with '{' but is not JSON; expected a raw token or JSON with access_token`);
    }
    const o = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
    const found = o.access_token ?? o.accessToken;
    if (typeof found !== "string") throw new UsageError(`--token-file ${file}: JSON without 'access_token' or 'accessToken'`);
    for (const field of ["access_token", "accessToken", "refresh_token", "refreshToken", "id_token"]) {
      if (typeof o[field] === "string") redactor.add(o[field]);
    }
    token = found.trim();
  }
  if (token === "") throw new UsageError(`--token-file ${file}: the file is empty`);
  return { check: pass(TOKEN_CHECK_ID, TOKEN_CHECK_TITLE, `from ${file}`), token };
}
