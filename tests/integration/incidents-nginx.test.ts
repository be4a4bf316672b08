// Incidents end to end through a REAL nginx reverse proxy: the scheduler probes nginx, the
// monitor goes DOWN, an incident opens with the probe's error kind as its cause, and the
// follow-up probes + diagnosis name the gateway and the failed hop.
import type net from "node:net";
import { describe, expect, it } from "vitest";
import { postgresIsReachable } from "../helpers/postgres";
import { useSchedulerHarness } from "../helpers/scheduler-harness";
import { nginxUnavailableReason, startNginx, type NginxOptions } from "../helpers/nginx";
import { closedPort, httpServer, LOOPBACK, rawServer } from "../probes/helpers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();
const nginxMissing = nginxUnavailableReason();

type Upstream = { port: number; close: () => Promise<void> };
const stopped = async (): Promise<Upstream> => ({ port: await closedPort(), close: async () => {} });
/** Answers the first request on each connection with `reply` (what nginx reads as the upstream response). */
const answering = (reply: string) =>
  rawServer((socket: net.Socket) => socket.once("data", () => socket.end(reply)));

const scenarios: Array<{
  name: string;
  upstream: () => Promise<Upstream>;
  /** Where the monitor's originUrl points; defaults to the upstream itself. */
  origin?: () => Promise<Upstream>;
  nginx?: Partial<NginxOptions>;
  cause: string;
  hop: string;
  firstCause: string;
}> = [
  { name: "a stopped upstream", upstream: stopped, cause: "HTTP_502", hop: "upstream", firstCause: "upstream_down" },
  { name: "a hanging upstream (proxy_read_timeout 1s)", upstream: () => rawServer(() => {}), nginx: { proxyReadTimeoutSeconds: 1 }, cause: "HTTP_504", hop: "upstream", firstCause: "upstream_slow" },
  { name: "an upstream answering garbage", upstream: () => answering("HTTP/1.1 200 OK\r\n\x01\x02 not a header\r\n\r\nhello"), cause: "HTTP_502", hop: "application", firstCause: "application_error" },
  { name: "an upstream resetting the connection", upstream: () => rawServer((socket) => socket.once("data", () => socket.resetAndDestroy())), cause: "HTTP_502", hop: "upstream", firstCause: "upstream_down" },
  {
    name: "nginx routed to a dead port while the origin answers 200 directly",
    upstream: stopped,
    origin: () => httpServer((_request, response) => response.writeHead(200).end("ok")),
    cause: "HTTP_502",
    hop: "gateway",
    firstCause: "gateway_routing",
  },
];

describe.skipIf(!postgresAvailable || nginxMissing !== null)("incidents through a real nginx", () => {
  const cleanups: Array<() => Promise<void>> = [];
  const harness = useSchedulerHarness("nginx-user", [async () => void (await Promise.all(cleanups.map((cleanup) => cleanup())))]);

  it.each(scenarios)("$name → $cause, gateway nginx, hop $hop", async (scenario) => {
    const upstream = await scenario.upstream();
    const origin = scenario.origin ? await scenario.origin() : upstream;
    const nginx = await startNginx({ upstreamPort: upstream.port, ...scenario.nginx });
    cleanups.push(upstream.close, origin.close, nginx.stop);
    const monitor = await harness.prisma.monitor.create({
      data: {
        userId: harness.userId,
        name: scenario.name,
        url: `http://${LOOPBACK}:${nginx.port}/api/health`,
        originUrl: `http://${LOOPBACK}:${origin.port}/api/health`,
        intervalSeconds: 60,
        timeoutSeconds: 3,
        retries: 1,
        nextRunAt: new Date(),
      },
    });
    const { listIncidents } = await import("@/lib/incidents/service");
    const deadline = Date.now() + 30_000;
    let incident;
    while (!(incident = (await listIncidents(harness.userId, { monitorId: monitor.id, errorKind: null, status: null, limit: 1 }))[0])?.diagnosis) {
      if (Date.now() > deadline) throw new Error(`no diagnosed incident for ${scenario.name}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const diagnosis = incident.diagnosis as { hop: string; gateway: { name: string }; probableCauses: string[]; summary: string };
    if (scenario.hop === "upstream" && scenario.cause === "HTTP_502") console.log(`Diagnosis of "${scenario.name}":\n${JSON.stringify(diagnosis, null, 2)}`);
    expect(incident.status).toBe("OPEN");
    expect(incident.cause).toBe(scenario.cause);
    expect(diagnosis.gateway.name).toBe("nginx");
    expect(diagnosis.hop).toBe(scenario.hop);
    expect(diagnosis.probableCauses[0]).toBe(scenario.firstCause);
  }, 40_000);
});
