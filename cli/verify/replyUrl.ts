/**
 * Reply URL probe: what the manual Postman test reveals as AADSTS50011. For each redirect URI of the client in stack
 * config, a v1 authorize request with `prompt=none` (no sign-in, no UI) is sent without following redirects. Entra ID
 * validates client_id and redirect_uri before anything else: when they are valid it redirects back to the URI (with
 * an error such as login_required, which is expected here); when not, it answers with an error page carrying the
 * AADSTS code instead of redirecting (OAuth 2.0, RFC 6749 section 4.1.2.1).
 */
import { v1AuthorizeUrl, type V1Endpoints } from "../../components/entra";
import { aadstsInText, explainAadsts, type AadstsContext } from "./aadsts";
import { fail, pass, skip, undecided, type Check } from "./checks";
import { HttpFault, send, type HttpPolicy } from "./http";

export interface ReplyUrlInput {
  endpoints: V1Endpoints;
  clientId: string | undefined;
  audience: string;
  redirectUris: readonly string[];
  context: AadstsContext;
}

const TITLE = "reply URL accepted";

function sameTarget(location: string, redirectUri: string): boolean {
  try {
    const a = new URL(location);
    const b = new URL(redirectUri);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export async function checkReplyUrls(input: ReplyUrlInput, http: HttpPolicy): Promise<Check[]> {
  if (input.redirectUris.length === 0) return [skip("reply-url", TITLE, `client '${input.context.client}' has no redirectUris in stack config`)];
  if (input.clientId === undefined) return [skip("reply-url", TITLE, "no client id (pass --outputs or --client-id)")];
  const checks: Check[] = [];
  for (const uri of input.redirectUris) {
    const url = new URL(v1AuthorizeUrl(input.endpoints, input.clientId, input.audience, uri));
    url.searchParams.set("prompt", "none");
    url.searchParams.set("state", "k2-oauth-verify");
    try {
      const res = await send({ method: "GET", url: url.toString(), redirect: "manual", headers: { accept: "text/html" } }, http);
      const location = res.headers.get("location") ?? "";
      if (res.status >= 300 && res.status < 400 && sameTarget(location, uri)) {
        checks.push(pass("reply-url", TITLE, `${uri}: Entra ID redirects back to it`));
        continue;
      }
      const code = aadstsInText(location) ?? aadstsInText(res.body);
      if (code !== undefined) {
        checks.push(fail("reply-url", TITLE, `${uri}: AADSTS${code} from the authorize endpoint (HTTP ${res.status})`, explainAadsts(code, input.context), code));
      } else {
        checks.push(
          undecided("reply-url", TITLE, `${uri}: HTTP ${res.status} without a redirect or an AADSTS code`, {
            cause: "Entra ID answered with a page verify cannot interpret (for example a home-realm discovery or consent page)",
            fix: `open the client's sign-in URL (\`pulumi stack output clients\`, authUrl) in a browser once and check that it returns to ${uri}`,
          }),
        );
      }
    } catch (e) {
      if (!(e instanceof HttpFault)) throw e;
      checks.push(
        fail("reply-url", TITLE, `${uri}: ${e.message}`, {
          cause: "the authorize endpoint could not be reached (network, proxy or an Entra ID outage)",
          fix: "check outbound HTTPS to the login host, then run verify again",
        }),
      );
    }
  }
  return checks;
}
