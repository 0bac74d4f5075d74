/**
 * How every test double serves: an HTTP server on 127.0.0.1 at a free port, whose handler's unexpected errors answer
 * 500 "double error: …" (a double's own bug shows in the test's failure, never as a hang), and a close that drops
 * kept-alive connections so a test's teardown never waits for them.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** Starts a server for `handle` on 127.0.0.1 and returns it with its host (`127.0.0.1:<port>`). */
export async function serveOnLoopback(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>): Promise<{ server: http.Server; host: string }> {
  const server = http.createServer((req, res) => {
    const fail = (e: unknown): void => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`double error: ${(e as Error).message}`);
    };
    try {
      Promise.resolve(handle(req, res)).catch(fail);
    } catch (e) {
      fail(e);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, host: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes a double's server (if it was started), dropping kept-alive connections first. */
export async function closeServer(server: http.Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
