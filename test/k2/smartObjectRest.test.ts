import { describe, expect, it } from "vitest";
import { k2MessageFrom, redact } from "../../components/k2/redaction";
import { DEFAULT_SMARTOBJECT_MAPPING, defaultSmartObjectServicesUrl, parseSmartObjectMapping } from "../../components/k2/mapping";
import { rowsFromJson, smartObjectMethodUrl, smartObjectXml } from "../../components/k2/smartObjectRest";

describe("SmartObject REST wire format", () => {
  it("builds the documented URL form: category path, display names, spaces as %20, literal $ options", () => {
    const url = smartObjectMethodUrl("https://k2.example.com:8888/SmartObjectServices/", DEFAULT_SMARTOBJECT_MAPPING.resource, "Get List", {
      $format: "json",
      ResourceID: "a&b",
    });
    expect(url).toBe("https://k2.example.com:8888/SmartObjectServices/REST/System/Management/OAuth/OAuth%20Resource/Get%20List?$format=json&ResourceID=a%26b");
  });

  it("writes XML bodies rooted at the system name, escaping values", () => {
    expect(smartObjectXml("OAuth_Resource", { Name: `K2 <API> & "co"` })).toBe("<OAuth_Resource><Name>K2 &lt;API&gt; &amp; &quot;co&quot;</Name></OAuth_Resource>");
  });

  it("reads a JSON array of records, or an object wrapping exactly one, and rejects anything else clearly", () => {
    expect(rowsFromJson('[{"A":1}]', "x")).toEqual([{ A: 1 }]);
    expect(rowsFromJson('{"ArrayOfThing":[{"A":1}]}', "x")).toEqual([{ A: 1 }]);
    expect(rowsFromJson("", "x")).toEqual([]);
    expect(() => rowsFromJson("<xml/>", "list things")).toThrow(/did not answer with JSON to list things/);
    expect(() => rowsFromJson('{"a":[1],"b":[2]}', "list things")).toThrow(/no list of records/);
  });

  it("defaults the service root to the K2 host on port 8888", () => {
    expect(defaultSmartObjectServicesUrl("https://k2.example.com/")).toBe("https://k2.example.com:8888/SmartObjectServices");
  });
});

describe("K2 messages", () => {
  it("strips markup from K2's error bodies and truncates them", () => {
    expect(k2MessageFrom("<html><body><h1>Error</h1><p>Bad &amp; worse</p></body></html>")).toBe("Error Bad & worse");
    expect(k2MessageFrom("x".repeat(400))).toHaveLength(301);
    expect(k2MessageFrom("")).toMatch(/no message/);
  });

  it("redacts secrets wherever they appear", () => {
    expect(redact("pw=hunter22 token=aHVudGVyMjI=", ["hunter22", "aHVudGVyMjI="])).toBe("pw=[redacted] token=[redacted]");
  });
});

describe("mapping files", () => {
  it("accepts the placeholder mapping and names every problem of a broken one", () => {
    expect(parseSmartObjectMapping(JSON.parse(JSON.stringify(DEFAULT_SMARTOBJECT_MAPPING)), "m.json")).toEqual(DEFAULT_SMARTOBJECT_MAPPING);
    const broken = { ...DEFAULT_SMARTOBJECT_MAPPING, resource: { ...DEFAULT_SMARTOBJECT_MAPPING.resource, systemName: "has space" }, maskedValuePattern: "(" };
    expect(() => parseSmartObjectMapping(broken, "m.json")).toThrow(/m\.json is not a valid.*resource\.systemName: expected an XML element name.*maskedValuePattern: expected a valid regular expression/s);
  });
});
