/**
 * No credential reaches an error message in any form (components/k2/redaction.ts): K2 servers (or a proxy in front
 * of them) may quote what a request carried, raw or encoded. A server on 127.0.0.1 answers 400 with a body that
 * quotes the password; the error the HTTP client throws must quote K2's text with the password removed, never a part
 * of it, whatever whitespace, markup or escaping it holds and wherever the 300-character cut falls.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionFailureWords, createHttpClient, retryPolicy } from "../../components/k2/http";
import { K2_TEXT_WITHHELD, k2MessageFrom, redact, secretForms } from "../../components/k2/redaction";
import { rejection } from "../helpers/thrown";

const USERNAME = "K2DEMO\\svc-k2";
let body = "";
let server: http.Server;
let url = "";

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(400, { "Content-Type": "text/html; charset=utf-8" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/SmartObjectServices/REST/x`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** What K2 "said", as the error quotes it, when K2 answers `answer` to a request made with `password`. */
async function k2Said(password: string, answer: string): Promise<string> {
  body = answer;
  const client = createHttpClient({ username: USERNAME, password }, retryPolicy({ delay: async () => undefined }));
  const e = await rejection(client.send({ method: "GET", url, what: "list OAuth resources", idempotent: true }));
  const message = (e as Error).message;
  const said = message.match(/ K2 said: (.*) Check: /s)?.[1];
  if (said === undefined) throw new Error(`unexpected message: ${message}`);
  return said;
}

describe("K2's answer quotes the password", () => {
  it("at the 300-character cut: removed before the cut, so no part of it is left", async () => {
    const password = "Correct-Horse-Battery-Staple-42";
    const lead = "x".repeat(290);
    // Cut first and redacted after, this would read "pw Correct-…": the cut password is no longer found.
    expect(await k2Said(password, `${lead} pw ${password} was rejected`)).toBe(`${lead} pw [redac…`);
    expect(await k2Said(password, `${lead.slice(20)} pw ${password} was rejected`)).toBe(`${lead.slice(20)} pw [redacted] was rejected.`);
  });

  it("with runs of spaces and a tab: removed before whitespace is collapsed", async () => {
    const password = "two  spaces\tand tab";
    expect(await k2Said(password, `<p>Login failed for password '${password}'.</p>`)).toBe("Login failed for password '[redacted]'.");
  });

  it("with markup characters: removed before tags are stripped, also when the server escapes them", async () => {
    const password = "p<w>d-secret&co";
    expect(await k2Said(password, `<error>password ${password} refused</error>`)).toBe("password [redacted] refused.");
    expect(await k2Said(password, "<error>password p&lt;w&gt;d-secret&amp;co refused</error>")).toBe("password [redacted] refused.");
    expect(await k2Said(password, `{"Message":"password ${JSON.stringify(password).slice(1, -1)} refused"}`)).toBe('{"Message":"password [redacted] refused"}.');
  });

  it("URL-encoded (as in a reflected query string or form body), upper- or lower-case hex, `+` for a space", async () => {
    const password = "a&b=c+d e/f";
    expect(await k2Said(password, "Requested URL: /x?pw=a%26b%3Dc%2Bd%20e%2Ff")).toBe("Requested URL: /x?pw=[redacted].");
    expect(await k2Said(password, "Requested URL: /x?pw=a%26b%3dc%2bd%20e%2ff")).toBe("Requested URL: /x?pw=[redacted].");
    expect(await k2Said(password, "form: pw=a%26b%3Dc%2Bd+e%2Ff")).toBe("form: pw=[redacted].");
  });

  it("as the Basic token of user:password (a reflected Authorization header)", async () => {
    const password = "Basic-Reflected-9";
    const token = Buffer.from(`${USERNAME}:${password}`, "utf8").toString("base64");
    expect(await k2Said(password, `Authorization: Basic ${token}`)).toBe("Authorization: Basic [redacted].");
  });

  it("in a form no redaction knows but a decoder reads (numeric entities, \\u escapes): K2's text is left out", async () => {
    const password = "p<w>d-secret";
    expect(await k2Said(password, "password p&#60;w&#x3E;d-secret refused")).toBe(`${K2_TEXT_WITHHELD}.`);
    expect(await k2Said(password, '{"Message":"password p\\u003Cw\\u003Ed-secret refused"}')).toBe(`${K2_TEXT_WITHHELD}.`);
    // Already collapsed by the server: what the password reads as once whitespace is collapsed is found as well.
    expect(await k2Said("two  spaces\tand tab", "password two spaces and tab refused")).toBe(`${K2_TEXT_WITHHELD}.`);
  });

  it("near misses are not touched: a text that only shares a part of the password is quoted in full", async () => {
    expect(await k2Said("Correct-Horse-Battery-Staple-42", "Correct-Horse-Battery was rejected")).toBe("Correct-Horse-Battery was rejected.");
  });
});

describe("k2MessageFrom and redact", () => {
  it("strip markup and decode character references, collapse whitespace, cut after 300 characters", () => {
    expect(k2MessageFrom("<html><body><h1>Error</h1><p>Bad &amp; worse &#60;3</p></body></html>")).toBe("Error Bad & worse <3");
    expect(k2MessageFrom("x".repeat(400))).toBe(`${"x".repeat(300)}…`);
    expect(k2MessageFrom(" \n ")).toBe("(no message in the response body)");
  });

  it("every form of a secret, longest first; secrets shorter than 3 characters are left alone", () => {
    expect(secretForms(`a "b"/<c>`)).toEqual(
      [
        "a%20%22b%22%2F%3Cc%3E",
        "a%20%22b%22%2f%3cc%3e",
        "a+%22b%22%2F%3Cc%3E",
        'a "b"/&lt;c&gt;',
        "a &quot;b&quot;/&lt;c&gt;",
        'a \\"b\\"\\/<c>',
        'a \\"b\\"/<c>',
        `a "b"/<c>`,
      ].sort((x, y) => y.length - x.length),
    );
    expect(redact("pw=hunter22 token=aHVudGVyMjI= ab", ["hunter22", "aHVudGVyMjI=", "ab"])).toBe("pw=[redacted] token=[redacted] ab");
  });
});

describe("redaction's edges", () => {
  it("quotes: named (&quot; &apos;) and numeric (&#39;) forms of a secret with both kinds of quote", () => {
    expect(secretForms(`it's "x"`)).toEqual(
      expect.arrayContaining(["it&apos;s &quot;x&quot;", "it&#39;s &quot;x&quot;", `it's "x"`]),
    );
    expect(redact("a it&apos;s &quot;x&quot; b it&#39;s &quot;x&quot; c", [`it's "x"`])).toBe("a [redacted] b [redacted] c");
  });

  it("a secret of exactly 3 characters is removed; a longer secret that contains a shorter one is removed whole", () => {
    expect(redact("pw abc ab", ["abc", "ab"])).toBe("pw [redacted] ab");
    expect(redact("k=secret-long", ["secret", "secret-long"])).toBe("k=[redacted]");
  });

  it("the cut: exactly 300 characters are shown whole, 301 are cut", () => {
    expect(k2MessageFrom("y".repeat(300))).toBe("y".repeat(300));
    expect(k2MessageFrom("y".repeat(301))).toBe(`${"y".repeat(300)}…`);
  });

  it("decodes the references a server may use: named, decimal, hexadecimal in either case; leaves out-of-range ones", () => {
    expect(k2MessageFrom("a&lt;b&gt;c &quot;d&quot; &apos;e&apos; f&amp;g h&nbsp;i &#65;&#x42;&#X43; &#0; &#x110000; &bogus;")).toBe(
      `a<b>c "d" 'e' f&g h i ABC &#0; &#x110000; &bogus;`,
    );
    expect(k2MessageFrom("&#x10FFFF;").codePointAt(0)).toBe(0x10ffff);
  });

  it("strips scripts and styles with their content, over several lines", () => {
    expect(k2MessageFrom("<p>before</p><script>\nvar a = 1;\n</script><style>\np { x: 1 }\n</style><p>after</p>")).toBe("before after");
  });

  it("withholds K2's text when a secret shows once decoded: JSON escapes, percent runs, + for space", () => {
    const password = "p\n\t/\"x";
    const jsonForm = '"p\\n\\t\\/\\"x"'.slice(1, -1);
    expect(k2MessageFrom(`said ${jsonForm.replace("\\/", "\\u002F")} no`, [password])).toBe(K2_TEXT_WITHHELD);
    expect(k2MessageFrom("said x%E2%82%ACy%ZZ", ["x€y"])).toBe("said [redacted]%ZZ");
    expect(k2MessageFrom("said x%e2%82%acy %C3%28", ["x€y "])).toBe(K2_TEXT_WITHHELD);
  });

  it("each reading decides alone: a secret seen in one decoding, or only once normalised, withholds K2's text", () => {
    // Numeric references no redaction form covers; the secret's plain text is empty, so only the decoded reading finds it.
    expect(k2MessageFrom("&#60;x&#62;", ["<x>"])).toBe(K2_TEXT_WITHHELD);
    // The secret's plain text is exactly 3 characters, found only in the percent-decoded reading.
    expect(k2MessageFrom("x a b y", ["a  b"])).toBe(K2_TEXT_WITHHELD);
    expect(k2MessageFrom("x a%20b y", ["a  b"])).toBe(K2_TEXT_WITHHELD);
    // A 3-character secret behind a character reference.
    expect(k2MessageFrom("a&#98;c", ["abc"])).toBe(K2_TEXT_WITHHELD);
    // `+` read as a space in form encoding.
    expect(k2MessageFrom("said a+b/c", ["a b/c"])).toBe(K2_TEXT_WITHHELD);
  });

  it("near misses stay: a plain text under 3 characters, a 2-character secret, a percent run that is not UTF-8", () => {
    expect(k2MessageFrom("a banana", ["<i>a"])).toBe("a banana");
    expect(k2MessageFrom("ab cd", ["ab"])).toBe("ab cd");
    expect(k2MessageFrom("bad %C3%28 run", ["undefined"])).toBe("bad %C3%28 run");
    expect(k2MessageFrom("a<script>x</script>b")).toBe("a b");
  });

  it("without secrets, K2's text is shown as it is", () => {
    expect(k2MessageFrom("Stryker was here")).toBe("Stryker was here");
  });
});

describe("connection failures in words", () => {
  it.each([
    ["ECONNREFUSED", "the connection was refused (nothing accepts connections on that host and port)"],
    ["ECONNRESET", "the connection was reset before K2 answered"],
    ["UND_ERR_SOCKET", "the connection was reset before K2 answered"],
    ["ENOTFOUND", "the host name could not be resolved"],
    ["UND_ERR_CONNECT_TIMEOUT", "the connection attempt timed out"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "the server's TLS certificate is not trusted here (self-signed)"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "the server's TLS certificate is for another host name"],
    ["EWHATEVER", "the connection failed (system error code EWHATEVER)"],
  ])("%s", (code, words) => {
    expect(connectionFailureWords(Object.assign(new TypeError("fetch failed"), { cause: { code, message: `library text ${code}` } }))).toBe(words);
  });

  it("no code at all: no library text either", () => {
    expect(connectionFailureWords(Object.assign(new TypeError("fetch failed"), { cause: new Error("bad port") }))).toBe("the connection failed");
    expect(connectionFailureWords(undefined)).toBe("the connection failed");
  });
});
