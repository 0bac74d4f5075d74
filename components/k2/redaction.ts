/**
 * K2's answer as the text of an error message: markup stripped, whitespace collapsed, cut to a readable length, and
 * with no credential in it in any form a server may echo one in.
 *
 * The order matters. Every known form of each secret (as sent, as a JSON string, as XML/HTML text, URL-encoded; the
 * caller adds the Basic token) is removed from K2's raw answer first, before whitespace is collapsed, markup stripped
 * or the text cut: any of those steps could change a secret's form (`two  spaces` becomes `two spaces`, `p<w>d`
 * becomes `p d`) or cut it in half at the limit, so that it would no longer be found afterwards. The text is then
 * searched again after decoding (HTML entities, JSON escapes, percent-encoding) and normalising: if a secret still
 * shows in any of those readings, K2's text is left out altogether rather than shown in part.
 *
 * Runs inside the serialized dynamic provider (see ./http.ts): globals only, no class that extends a built-in.
 */

export const REDACTED = "[redacted]";
/** K2's text is cut after this many characters. */
export const MAX_K2_TEXT = 300;
/** What stands for K2's text when a credential could not be removed from it with certainty. */
export const K2_TEXT_WITHHELD = "(its text is not shown: it quotes a credential in a form that cannot be removed with certainty)";
export const NO_K2_TEXT = "(no message in the response body)";
/** Shorter secrets are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 3;

function jsonEscaped(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

function xmlEscaped(s: string, quotes: "none" | "named" | "numeric"): string {
  const base = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quotes === "none") return base;
  // Stryker disable next-line EqualityOperator: swapping the two branches yields the same set of forms.
  return quotes === "named" ? base.replace(/"/g, "&quot;").replace(/'/g, "&apos;") : base.replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * The forms `secret` takes in text that quotes it: as it is; inside a JSON string (also with `\/`); as XML/HTML text
 * (quotes left alone, named or numeric); URL-encoded (upper- and lower-case hex, and form-encoded with `+` for a
 * space). Longest first, so that no part of a longer form is left behind by a shorter one.
 */
export function secretForms(secret: string): string[] {
  const url = encodeURIComponent(secret);
  const forms = [
    secret,
    jsonEscaped(secret),
    jsonEscaped(secret).replace(/\//g, "\\/"),
    xmlEscaped(secret, "none"),
    xmlEscaped(secret, "named"),
    // Stryker disable next-line StringLiteral: any value other than "none" and "named" gives the numeric form.
    xmlEscaped(secret, "numeric"),
    url,
    url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    url.replace(/%20/g, "+"),
  ];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** Replaces every form of each secret (secretForms) in `text` with "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(secretForms))].sort((a, b) => b.length - a.length);
  return forms.reduce((out, form) => out.split(form).join(REDACTED), text);
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&", nbsp: " " };

/** HTML/XML character references decoded: named (the XML ones and &nbsp;), decimal and hexadecimal. */
function entitiesDecoded(text: string): string {
  return text.replace(/&(#[0-9]+|#x[0-9a-f]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

const JSON_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "/": "/", '"': '"', "\\": "\\" };

/** JSON string escapes decoded (`\u003C`, `\n`, `\/`, `\"`...), wherever they are. */
function jsonDecoded(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|[nrtbf/"\\])/g, (_whole, esc: string) =>
    esc.length === 5 ? String.fromCharCode(parseInt(esc.slice(1), 16)) : JSON_ESCAPES[esc],
  );
}

/** Percent-encoding decoded (and `+` as a space), byte sequences that are not UTF-8 left as they are. */
function percentDecoded(text: string): string {
  return text.replace(/\+/g, " ").replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Text without markup: scripts, styles and tags dropped, character references decoded, whitespace collapsed. */
function plainText(text: string): string {
  const stripped = text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]+>/g, " ");
  return entitiesDecoded(stripped).replace(/\s+/g, " ").trim();
}

/** True when a secret can still be read in `text` after decoding it in any of the ways a server may have encoded it. */
function stillQuotes(text: string, secrets: readonly string[]): boolean {
  const readings = [text, entitiesDecoded(text), jsonDecoded(text), percentDecoded(text), jsonDecoded(entitiesDecoded(text))];
  const normalised = readings.map(plainText);
  return secrets
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .some((secret) => {
      const plain = plainText(secret);
      return readings.some((r) => r.includes(secret)) || (plain.length >= MIN_SECRET_LENGTH && normalised.some((r) => r.includes(plain)));
    });
}

/**
 * K2's error text from a response body (XML, HTML, JSON or plain) for a message: every form of each of `secrets`
 * removed first (see above), markup stripped, whitespace collapsed, cut after MAX_K2_TEXT characters; the whole text
 * left out when a secret could still be read in it.
 */
export function k2MessageFrom(body: string, secrets: readonly string[] = []): string {
  const redacted = redact(body, secrets);
  // Decoding character references can bring out a form that was not there before: redact once more.
  const text = redact(plainText(redacted), secrets);
  if (stillQuotes(redacted, secrets) || stillQuotes(text, secrets)) return K2_TEXT_WITHHELD;
  if (text === "") return NO_K2_TEXT;
  return text.length > MAX_K2_TEXT ? `${text.slice(0, MAX_K2_TEXT)}…` : text;
}
