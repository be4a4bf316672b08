// The HTTP target for bench/probes.ts, run as its own process so its CPU time is not mixed with
// the worker's (on a 2-core machine they still compete for the cores; the bench reports both).
// Answers 200 "ok" on any path; with --error-rate a fraction of answers are nginx-style 502/503
// instead. GET /__stats returns the counters. Prints one JSON line {"port": …} once listening.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "error-rate": { type: "string", default: "0" },
    "delay-ms": { type: "string", default: "0" },
  },
});
const errorRate = Number(values["error-rate"]);
const delayMs = Number(values["delay-ms"]);

const counters = { requests: 0, byStatus: {} as Record<string, number> };

const server = http.createServer((request, response) => {
  if (request.url === "/__stats") {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(counters));
    return;
  }
  counters.requests++;
  const failing = errorRate > 0 && Math.random() < errorRate;
  const status = failing ? (Math.random() < 0.5 ? 502 : 503) : 200;
  counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
  const answer = () => {
    if (status === 200) {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else {
      response
        .writeHead(status, { server: "nginx/1.24.0", "content-type": "text/html" })
        .end(`<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx/1.24.0</center></body></html>`);
    }
  };
  if (delayMs > 0) setTimeout(answer, delayMs);
  else answer();
});
server.keepAliveTimeout = 1_000;
server.on("clientError", (_error, socket) => socket.destroy());
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
