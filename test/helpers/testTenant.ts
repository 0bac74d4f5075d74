/**
 * The placeholder tenant the suites test against (no real tenant): its id, the K2 API app registered in it, and the
 * K2 server. Suites import these instead of spelling the values again, so that their fixtures agree.
 */
export const TENANT = "11111111-2222-3333-4444-555555555555";
/** Client id (appId) of the "K2 API" resource app in TENANT. */
export const K2_API_CLIENT_ID = "22222222-3333-4444-5555-666666666666";
/** The K2 API's audience (DEFAULT_AUDIENCE of components/config.ts, spelled out). */
export const AUDIENCE = "https://api.k2.com/";
export const K2_URL = "https://k2.example.com";
