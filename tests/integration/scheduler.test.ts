// The scheduler in this process against a real PostgreSQL database and loopback HTTP servers:
// confirmation before DOWN, transient failures, atomic state changes, checks API shape.
import { describe, expect, it } from "vitest";
import { postgresIsReachable } from "../helpers/postgres";
import { useSchedulerHarness, waitFor } from "../helpers/scheduler-harness";
import { httpServer, type TestServer } from "../probes/helpers";

const postgresAvailable = process.env.CI ? true : await postgresIsReachable();

describe.skipIf(!postgresAvailable)("scheduler", () => {
  const servers: TestServer[] = [];
  const harness = useSchedulerHarness("scheduler-user", [async () => void (await Promise.all(servers.map((server) => server.close())))]);
  const db = async () => harness.prisma;

  async function addMonitor(url: string, fields: Record<string, unknown> = {}) {
    return harness.prisma.monitor.create({
      data: { userId: harness.userId, name: url, url, intervalSeconds: 60, timeoutSeconds: 2, retries: 2, nextRunAt: new Date(), ...fields },
    });
  }

  async function monitorAndChecks(id: string) {
    const prisma = harness.prisma;
    const monitor = await prisma.monitor.findUniqueOrThrow({ where: { id } });
    const checks = await prisma.check.findMany({ where: { monitorId: id }, orderBy: { startedAt: "asc" } });
    return { monitor, checks };
  }

  it("confirms a failure that clears within the retries as transient, and stays UP", async () => {
    let requests = 0;
    const flaky = await httpServer((_request, response) => {
      requests++;
      response.writeHead(requests <= 2 ? 502 : 200).end(requests <= 2 ? "bad gateway" : "ok");
    });
    servers.push(flaky);
    const monitor = await addMonitor(`http://127.0.0.1:${flaky.port}/flaky`);
    const { monitor: after, checks } = await waitFor(
      () => monitorAndChecks(monitor.id),
      ({ checks }) => checks.length >= 3 && checks.some((check) => check.ok),
    );
    expect(after.state).toBe("UP");
    expect(after.pendingSince).toBeNull();
    expect(after.leaseOwner).toBeNull();
    expect(checks.map((check) => [check.attempt, check.errorKind, check.transient])).toEqual([
      [1, "HTTP_502", true],
      [2, "HTTP_502", true],
      [3, "NONE", false],
    ]);
  });

  it("goes PENDING, then DOWN after the retries, keeping the evidence and timings", async () => {
    const broken = await httpServer((_request, response) => {
      response.writeHead(502, { server: "nginx/1.24.0", "content-type": "text/html" }).end("<html><center>nginx</center></html>");
    });
    servers.push(broken);
    const monitor = await addMonitor(`http://127.0.0.1:${broken.port}/down`, { retries: 2 });
    const pending = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state !== "UNKNOWN");
    expect(pending.monitor.state).toBe("PENDING");
    expect(pending.monitor.pendingSince).toEqual(pending.checks[0].startedAt);
    // The state never shows without the check that caused it.
    expect(pending.checks.length).toBeGreaterThanOrEqual(1);

    const { monitor: down, checks } = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state === "DOWN");
    expect(checks).toHaveLength(3);
    expect(checks.every((check) => check.errorKind === "HTTP_502" && !check.transient && check.httpStatus === 502)).toBe(true);
    expect(down.stateChangedAt).toEqual(checks[2].startedAt);
    expect(down.lastErrorKind).toBe("HTTP_502");
    expect(down.leaseOwner).toBeNull();
    expect(checks[0].evidence).toMatchObject({ statusLine: "HTTP/1.1 502 Bad Gateway", headers: { server: "nginx/1.24.0" }, bodyExcerpt: expect.stringContaining("nginx") });
    expect(checks[0].connectMs).toEqual(expect.any(Number));
    expect(checks[0].totalMs).toBeGreaterThanOrEqual(checks[0].ttfbMs!);
  });

  it("declares DOWN at once with retries 0, and UP again on recovery", async () => {
    let healthy = false;
    const server = await httpServer((_request, response) => response.writeHead(healthy ? 200 : 503).end());
    servers.push(server);
    const monitor = await addMonitor(`http://127.0.0.1:${server.port}/`, { retries: 0, intervalSeconds: 10, timeoutSeconds: 2 });
    const down = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state === "DOWN");
    expect(down.checks.map((check) => check.errorKind)).toEqual(["HTTP_503"]);
    healthy = true;
    await (await db()).monitor.update({ where: { id: monitor.id }, data: { nextRunAt: new Date() } });
    const up = await waitFor(() => monitorAndChecks(monitor.id), ({ monitor }) => monitor.state === "UP");
    expect(up.checks.map((check) => [check.errorKind, check.transient])).toEqual([["HTTP_503", false], ["NONE", false]]);
    const changes = await (await db()).stateChange.findMany({ where: { monitorId: monitor.id }, orderBy: { at: "asc" } });
    expect(changes.map((change) => [change.fromState, change.toState, change.errorKind])).toEqual([
      ["UNKNOWN", "DOWN", "HTTP_503"],
      ["DOWN", "UP", "NONE"],
    ]);
  });

  it("keeps the schedule's phase: the next run is one interval after the slot, not after the probe", async () => {
    const server = await httpServer((_request, response) => response.writeHead(200).end());
    servers.push(server);
    const slot = new Date(Date.now() - 2_500);
    const monitor = await addMonitor(`http://127.0.0.1:${server.port}/phase`, { intervalSeconds: 10, nextRunAt: slot });
    const { monitor: after } = await waitFor(() => monitorAndChecks(monitor.id), ({ checks }) => checks.length === 1);
    expect(after.nextRunAt.getTime()).toBe(slot.getTime() + 10_000);
  });
});
