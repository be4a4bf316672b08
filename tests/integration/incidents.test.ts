// Incidents from real failures: opened on confirmed DOWN with the confirming check's error kind,
// one open per monitor (a database guarantee), a timeline, a diagnosis, resolution with duration.
import { beforeAll, describe, expect, it } from "vitest";
import { postgresIsReachable } from "../helpers/postgres";
import { useSchedulerHarness, waitFor } from "../helpers/scheduler-harness";
import { httpServer, type TestServer } from "../probes/helpers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

describe.skipIf(!postgresAvailable)("incidents", () => {
  const servers: TestServer[] = [];
  const harness = useSchedulerHarness("incident-user", [async () => void (await Promise.all(servers.map((server) => server.close())))]);
  let otherUserId: string;
  const prisma = async () => harness.prisma;

  beforeAll(async () => {
    otherUserId = (await harness.prisma.user.create({ data: { id: "other-user", name: "O", email: "o@example.com" } })).id;
  });

  it("opens one incident on confirmed DOWN, diagnoses it, and resolves it on recovery", async () => {
    let healthy = false;
    const origin = await httpServer((_request, response) => response.writeHead(200).end("origin ok"));
    const gateway = await httpServer((_request, response) => {
      if (healthy) response.writeHead(200).end("ok");
      else response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end("<html><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.24.0</center></html>");
    });
    servers.push(origin, gateway);
    const monitor = await (await prisma()).monitor.create({
      data: { userId: harness.userId, name: "Checkout", url: `http://127.0.0.1:${gateway.port}/api`, originUrl: `http://127.0.0.1:${origin.port}/api`, intervalSeconds: 10, timeoutSeconds: 2, retries: 1, nextRunAt: new Date() },
    });
    const { listIncidents, getIncident } = await import("@/lib/incidents/service");

    const diagnosed = await waitFor(
      async () => (await listIncidents(harness.userId, { monitorId: monitor.id, errorKind: null, status: null, limit: 10 }))[0],
      (incident) => Boolean(incident?.diagnosis),
    );
    expect(diagnosed).toMatchObject({ status: "OPEN", cause: "HTTP_502", resolvedAt: null });
    // The origin answers 200 while the gateway says 502: the gateway's routing is the suspect.
    expect(diagnosed.diagnosis).toMatchObject({ hop: "gateway", gateway: { name: "nginx" }, probableCauses: expect.arrayContaining(["gateway_routing"]) });

    // A second opening for the same monitor is refused by the database itself.
    await expect(
      (await prisma()).incident.create({ data: { monitorId: monitor.id, openMonitorId: monitor.id, cause: "HTTP_502", lastErrorKind: "HTTP_502", openedAt: new Date() } }),
    ).rejects.toThrow();

    healthy = true;
    await (await prisma()).monitor.update({ where: { id: monitor.id }, data: { nextRunAt: new Date() } });
    const resolved = await waitFor(() => getIncident(harness.userId, diagnosed.id), (incident) => incident?.status === "RESOLVED");
    expect(resolved!.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(resolved!.resolvedAt!.getTime()).toBeGreaterThan(resolved!.openedAt.getTime());
    expect(resolved!.events.map((event) => event.type)).toEqual(["OPENED", "DIAGNOSED", "RESOLVED"]);
    expect((await (await prisma()).monitor.findUniqueOrThrow({ where: { id: monitor.id } })).state).toBe("UP");

    // Other users see nothing of it.
    expect(await getIncident(otherUserId, diagnosed.id)).toBeNull();
    expect(await listIncidents(otherUserId, { monitorId: null, errorKind: null, status: null, limit: 10 })).toEqual([]);
    const { addIncidentNote } = await import("@/lib/incidents/service");
    expect(await addIncidentNote(otherUserId, diagnosed.id, "pwned")).toBe(false);
    expect(await addIncidentNote(harness.userId, diagnosed.id, "Restarted the upstream pool")).toBe(true);
  });

  it("opens no incident for a failure that clears within the retries, and counts it as a blip", async () => {
    let requests = 0;
    const flaky = await httpServer((_request, response) => response.writeHead(++requests === 1 ? 503 : 200).end());
    servers.push(flaky);
    const monitor = await (await prisma()).monitor.create({
      data: { userId: harness.userId, name: "Flaky", url: `http://127.0.0.1:${flaky.port}/`, intervalSeconds: 60, timeoutSeconds: 2, retries: 2, nextRunAt: new Date() },
    });
    await waitFor(() => prisma().then((client) => client.monitor.findUniqueOrThrow({ where: { id: monitor.id } })), (row) => row.state === "UP");
    const { listIncidents, transientBlips } = await import("@/lib/incidents/service");
    expect(await listIncidents(harness.userId, { monitorId: monitor.id, errorKind: null, status: null, limit: 10 })).toEqual([]);
    expect(await transientBlips(harness.userId, monitor.id, new Date(Date.now() - 60_000))).toEqual([{ errorKind: "HTTP_503", count: 1 }]);
  });

  it("records a change of error kind while down in the timeline", async () => {
    let status = 502;
    const server = await httpServer((_request, response) => response.writeHead(status).end());
    servers.push(server);
    const monitor = await (await prisma()).monitor.create({
      data: { userId: harness.userId, name: "Shifting", url: `http://127.0.0.1:${server.port}/`, intervalSeconds: 10, timeoutSeconds: 2, retries: 0, nextRunAt: new Date() },
    });
    const { listIncidents, getIncident } = await import("@/lib/incidents/service");
    const [opened] = await waitFor(() => listIncidents(harness.userId, { monitorId: monitor.id, errorKind: "HTTP_502", status: "OPEN", limit: 5 }), (rows) => rows.length === 1);
    status = 504;
    await (await prisma()).monitor.update({ where: { id: monitor.id }, data: { nextRunAt: new Date() } });
    const incident = await waitFor(() => getIncident(harness.userId, opened.id), (row) => row?.lastErrorKind === "HTTP_504");
    expect(incident!.cause).toBe("HTTP_502");
    expect(incident!.events.filter((event) => event.type === "ERROR_KIND_CHANGED").map((event) => event.errorKind)).toEqual(["HTTP_504"]);
  });
});
