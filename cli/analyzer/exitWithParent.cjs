// Preloaded (node --require) into every policy pack process cli/analyzer.ts starts: the pack exits when its
// stdin closes. The parent holds the other end of that pipe, so the pipe closes when the parent exits for any
// reason (a crash, a test runner killing its worker, SIGKILL): no orphaned pack process survives its parent.
"use strict";
process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
// Watching stdin must not keep an otherwise finished process alive (e.g. a pack that never starts its server).
if (typeof process.stdin.unref === "function") process.stdin.unref();
