/**
 * Writes the clients adopt found into `stacks/Pulumi.<stack>.yaml`: appended to `k2-oauth:clients` of an existing file
 * through the `yaml` package's Document API, so every comment, key order, quoting style and `secure:` value already in
 * the file stays as it was (only the new entries are added); or a new file with the stack-wide settings when there is
 * none. The file is replaced in one step (a temp file renamed over it), so a failure never leaves half a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { CONFIG_NAMESPACE } from "../../components/config";
import { setSecretCommand } from "../../components/configMessages";
import type { ClientEntry } from "./adoption";

/** The stack-wide settings of a stack file adopt creates. */
export interface NewStackFile {
  tenantId: string;
  cloud: string | undefined;
  k2Api: { clientId: string; scope: string | undefined; audience: string | undefined };
  k2: { url: string; edition: "five" | "cloud"; adminUsername: string | undefined };
}

export interface ClientToWrite {
  entry: ClientEntry;
  /** Said in a comment above the entry (one or more lines). */
  comment: string;
  /** Names of other APIs' permissions by `resourceAppId/id`: written as comments beside the ids. */
  permissionNames: ReadonlyMap<string, string>;
}

export interface StackWrite {
  stack: string;
  /** The file's text now, or undefined when there is no file yet (then `newFile` is required). */
  existingText: string | undefined;
  newFile?: NewStackFile;
  /** A header comment for a new file (who wrote it, when, from where). */
  header?: string;
  clients: readonly ClientToWrite[];
  /** Sets `k2.bearerTokenResource.name` (the name of the resource found in K2). */
  k2ResourceName?: string;
}

const CLIENTS_KEY = `${CONFIG_NAMESPACE}:clients`;
const K2_KEY = `${CONFIG_NAMESPACE}:k2`;

function newDocument(stack: string, settings: NewStackFile, header: string | undefined): Document {
  const config: Record<string, unknown> = { [`${CONFIG_NAMESPACE}:tenantId`]: settings.tenantId };
  if (settings.cloud !== undefined) config[`${CONFIG_NAMESPACE}:cloud`] = settings.cloud;
  config[`${CONFIG_NAMESPACE}:k2Api`] = {
    clientId: settings.k2Api.clientId,
    ...(settings.k2Api.scope !== undefined ? { scope: settings.k2Api.scope } : {}),
    ...(settings.k2Api.audience !== undefined ? { audience: settings.k2Api.audience } : {}),
  };
  config[K2_KEY] = {
    url: settings.k2.url,
    edition: settings.k2.edition,
    ...(settings.k2.edition === "five" && settings.k2.adminUsername !== undefined ? { admin: { username: settings.k2.adminUsername } } : {}),
  };
  const doc = parseDocument("config: {}\n");
  doc.set("config", doc.createNode(config));
  const lines = [
    ...(header === undefined ? [] : header.split("\n")),
    ...(settings.k2.edition === "five"
      ? ["", "Secrets are never written here in plain text. Set the K2 admin password with:", `  ${setSecretCommand("k2.admin.password", stack)}`]
      : []),
  ];
  if (lines.length > 0) doc.commentBefore = lines.map((l) => (l === "" ? "" : ` ${l}`)).join("\n");
  return doc;
}

/** The order a client's keys are written in (the README's order; adopt's ids last). */
const CLIENT_KEY_ORDER: ReadonlyArray<keyof ClientEntry> = [
  "name",
  "displayName",
  "redirectUris",
  "owners",
  "signInAudience",
  "implicitGrant",
  "servicePrincipal",
  "requiredResourceAccess",
  "secret",
  "adopt",
];

function ordered(entry: ClientEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CLIENT_KEY_ORDER) if (entry[key] !== undefined) out[key] = entry[key];
  return out;
}

function clientNode(doc: Document, client: ClientToWrite): YAMLMap {
  const node = doc.createNode(ordered(client.entry)) as YAMLMap;
  node.commentBefore = client.comment
    .split("\n")
    .map((l) => ` ${l}`)
    .join("\n");
  // Days (the schedule's start, the adoption day) quoted: a plain YYYY-MM-DD is a timestamp to some YAML readers, a
  // string to all when quoted.
  for (const [section, key] of [["secret", "startDate"], ["adopt", "since"]] as const) {
    const map = node.get(section, true);
    const day = isMap(map) ? map.get(key, true) : undefined;
    if (isScalar(day)) day.type = Scalar.QUOTE_DOUBLE;
  }
  const access = node.get("requiredResourceAccess", true);
  if (isSeq(access)) {
    for (const item of access.items) {
      if (!isMap(item)) continue;
      const apiId = String(item.get("resourceAppId"));
      const list = item.get("resourceAccess", true);
      if (!isSeq(list)) continue;
      for (const a of list.items) {
        if (!isMap(a)) continue;
        const id = a.get("id", true);
        const name = client.permissionNames.get(`${apiId}/${String(isScalar(id) ? id.value : "")}`);
        if (isScalar(id) && name !== undefined) id.comment = ` ${name}`;
      }
    }
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------------------
// Splicing into an existing file: the Document API finds where (node ranges are offsets into the text), and only
// the new lines are inserted, so every byte already in the file stays as it was.
// ---------------------------------------------------------------------------------------------------------------

/** The file's line ending, kept for the lines adopt adds. */
function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** Where the line holding `offset` ends: just after its line break, or the end of the text. */
function afterLine(text: string, offset: number): number {
  const at = text.indexOf("\n", Math.max(0, offset));
  return at < 0 ? text.length : at + 1;
}

/** `block` (lines joined by \n) indented by `column` spaces, each line ended by `eol`. */
function indented(block: string, column: number, eol: string): string {
  return block
    .split("\n")
    .map((line) => `${line === "" ? "" : " ".repeat(column)}${line}${eol}`)
    .join("");
}

/** `text` with `lines` inserted after the line holding `offset`. */
function insertAfter(text: string, offset: number, lines: string, eol: string): string {
  const at = afterLine(text, offset);
  const head = text.slice(0, at);
  return `${head}${head === "" || head.endsWith("\n") ? "" : eol}${lines}${text.slice(at)}`;
}

/** A value as block YAML lines (no trailing line break). */
function render(node: YAMLSeq | Scalar): string {
  const out = new Document();
  out.contents = node;
  return out.toString({ lineWidth: 0 }).replace(/\n$/, "");
}

/** The pair of `key` in a block mapping. */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

/** The column of a block mapping's keys. */
function keyColumn(text: string, map: YAMLMap): number {
  const first = map.items[0]?.key;
  return isScalar(first) && first.range !== undefined && first.range !== null ? columnOf(text, first.range[0]) : 0;
}

/** The end of a block mapping's or sequence's content (its range's value end). */
function contentEnd(node: YAMLMap | YAMLSeq): number {
  return (node.range?.[1] ?? 1) - 1;
}

/** Appends `clients` to `k2-oauth:clients` in `text`; undefined when the file's layout needs the Document API. */
function spliceClients(text: string, doc: Document, clients: readonly ClientToWrite[]): string | undefined {
  const eol = eolOf(text);
  const items = doc.createNode([]) as YAMLSeq;
  items.items.push(...clients.map((c) => clientNode(doc, c)));
  const block = render(items);
  const config = doc.get("config", true);
  if (!isMap(config) || config.flow === true || config.items.length === 0) return undefined;
  const pair = pairOf(config, CLIENTS_KEY);
  if (pair === undefined) {
    const column = keyColumn(text, config);
    return insertAfter(text, contentEnd(config), `${indented(`${CLIENTS_KEY}:`, column, eol)}${indented(block, column + 2, eol)}`, eol);
  }
  const value = pair.value;
  const key = pair.key as Scalar;
  if (isSeq(value) && value.flow !== true && value.items.length > 0 && value.range !== undefined && value.range !== null) {
    return insertAfter(text, contentEnd(value), indented(block, columnOf(text, value.range[0]), eol), eol);
  }
  const empty = value === null || (isScalar(value) && (value.value === null || value.value === "")) || (isSeq(value) && value.items.length === 0);
  if (!empty || key.range === undefined || key.range === null) return undefined;
  // `k2-oauth:clients:` with nothing, or `[]`: the items go below the key (an empty `[]` is removed).
  let base = text;
  if (isSeq(value) && value.range !== undefined && value.range !== null) base = `${text.slice(0, value.range[0])}${text.slice(value.range[1]).replace(/^[ \t]+(?=#|\r?\n|$)/, "")}`;
  const column = columnOf(base, key.range[0]) + 2;
  return insertAfter(base, key.range[0], indented(block, column, eol), eol);
}

/** Sets `k2.bearerTokenResource.name` in `text`; undefined when the file's layout needs the Document API. */
function spliceK2ResourceName(text: string, doc: Document, name: string): string | undefined {
  const eol = eolOf(text);
  const config = doc.get("config", true);
  if (!isMap(config)) return undefined;
  const k2 = pairOf(config, K2_KEY)?.value;
  if (!isMap(k2) || k2.flow === true || k2.items.length === 0) return undefined;
  const resource = pairOf(k2, "bearerTokenResource")?.value;
  const scalar = (value: string) => render(new Scalar(value));
  if (isMap(resource) && resource.flow !== true && resource.items.length > 0) {
    const current = pairOf(resource, "name")?.value;
    if (isScalar(current) && current.range !== undefined && current.range !== null) {
      return `${text.slice(0, current.range[0])}${scalar(name)}${text.slice(current.range[1])}`;
    }
    return insertAfter(text, contentEnd(resource), indented(`name: ${scalar(name)}`, keyColumn(text, resource), eol), eol);
  }
  if (resource !== undefined && resource !== null && !(isScalar(resource) && resource.value === null)) return undefined;
  if (resource !== undefined) return undefined; // `bearerTokenResource:` left empty: rare; the Document API handles it
  return insertAfter(text, contentEnd(k2), indented(`bearerTokenResource:\n  name: ${scalar(name)}`, keyColumn(text, k2), eol), eol);
}

/** The `config:` mapping of a document, created when missing. */
function configMap(doc: Document): YAMLMap {
  const config = doc.get("config", true);
  if (isMap(config)) return config;
  const created = doc.createNode({}) as YAMLMap;
  doc.set("config", created);
  return created;
}

/** `k2-oauth:clients` as a block sequence, created when missing or empty. */
function clientsSeq(doc: Document, config: YAMLMap): YAMLSeq {
  const existing = config.get(CLIENTS_KEY, true);
  if (isSeq(existing)) {
    existing.flow = false;
    return existing;
  }
  const created = doc.createNode([]) as YAMLSeq;
  created.flow = false;
  config.set(CLIENTS_KEY, created);
  return created;
}

/** Through the Document API alone: comments and order are kept, spacing may be normalised. */
function rewrite(doc: Document, write: StackWrite): string {
  const config = configMap(doc);
  if (write.k2ResourceName !== undefined) doc.setIn(["config", K2_KEY, "bearerTokenResource", "name"], write.k2ResourceName);
  if (write.clients.length > 0) {
    const seq = clientsSeq(doc, config);
    for (const client of write.clients) seq.items.push(clientNode(doc, client));
  }
  // lineWidth 0: never fold a long value onto a second line.
  return doc.toString({ lineWidth: 0 });
}

/** The stack file's new text. Pure: reads and writes nothing. */
export function stackText(write: StackWrite): string {
  if (write.existingText === undefined) {
    if (write.newFile === undefined) throw new Error("a new stack file needs its stack-wide settings");
    return rewrite(newDocument(write.stack, write.newFile, write.header), write);
  }
  let text = write.existingText;
  const parse = () => {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`the stack file does not parse: ${doc.errors[0].message}`);
    return doc;
  };
  if (write.k2ResourceName !== undefined) {
    const spliced = spliceK2ResourceName(text, parse(), write.k2ResourceName);
    if (spliced === undefined) return rewrite(parse(), write);
    text = spliced;
  }
  if (write.clients.length > 0) {
    const spliced = spliceClients(text, parse(), write.clients);
    if (spliced === undefined) return rewrite(parse(), { ...write, k2ResourceName: undefined });
    text = spliced;
  }
  return text;
}

/** Replaces (or creates) the file in one step: a temp file beside it, renamed over it. */
export function writeStackFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.adopt-${process.pid}.tmp`);
  fs.writeFileSync(temp, text, { mode: fs.existsSync(file) ? fs.statSync(file).mode : 0o644 });
  try {
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}
