// Database restart: while two workers run, the PostgreSQL server is stopped and started again
// --down-seconds (10) later (`pg_ctlcluster … stop` / `start`; 0: `pg_ctlcluster … restart`,
// down for about 3 s — often too short for a result write to fail). The workers must log it, keep
// running, retry, and write the results they buffered meanwhile once it is back: every probe the
// target saw has its check row, unless more results piled up than HOPWATCH_MAX_BUFFERED_RESULTS
// (the bound, reported), in which case exactly the dropped ones are missing.
//
// Restarting the server breaks every other client of it, test runs included: this waits until no
// vitest process is running first.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";
import pg from "pg";
import { schedulerOptionsFromEnv } from "@/lib/scheduler/scheduler";
import { leaseSeconds, seedMonitors, sleep, sleepUntil, slowOk } from "../helpers/workers";
import { auditChecks, duplicateProblems, log, loggedProblems, numberFlag, round, startRun, stopWorkers, summarizeChecks, type Flags, type Scenario } from "./harness";

const PG_VERSION = () => readdirSync("/etc/postgresql")[0];
// Asynchronous: the target lives in this process and must keep answering meanwhile.
const exec = promisify(execFile);

async function vitestRunning(): Promise<boolean> {
  try {
    await exec("pgrep", ["-f", "vitest"]);
    return true;
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
}

async function waitUntilNoVitest(timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (await vitestRunning()) log("vitest is running on this machine: waiting for it to finish before restarting PostgreSQL");
  while (await vitestRunning()) {
    if (Date.now() > deadline) throw new Error("vitest still running after 10 min: not restarting PostgreSQL under it");
    await sleep(5_000);
  }
}

async function pgctl(action: "restart" | "stop" | "start"): Promise<void> {
  await exec("pg_ctlcluster", ["--skip-systemctl-redirect", PG_VERSION(), "main", action]);
}

async function waitForDatabase(url: string): Promise<void> {
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return;
    } catch {
      await sleep(100);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** The largest value of `field` in the worker's log lines with message `msg`. */
function maxLogged(lines: Array<Record<string, unknown>>, msg: string, field: string): number {
  return Math.max(0, ...lines.filter((line) => line.msg === msg).map((line) => Number(line[field] ?? 0)));
}

async function run(flags: Flags) {
  const monitors = numberFlag(flags, "monitors", 500);
  const intervalSeconds = numberFlag(flags, "interval", 10);
  const restartAfter = numberFlag(flags, "restart-at", 25) * 1000;
  const downSeconds = numberFlag(flags, "down-seconds", 10);
  const runFor = numberFlag(flags, "duration", 75) * 1000;
  const bound = flags["max-buffered"] ? Number(flags["max-buffered"]) : schedulerOptionsFromEnv().maxBufferedResults;
  const seed = { count: monitors, intervalSeconds, timeoutSeconds: 2, retries: 1 };
  const lease = leaseSeconds(seed);

  await waitUntilNoVitest();
  const run = await startRun({ workers: 2, answer: slowOk, workerEnv: { HOPWATCH_MAX_BUFFERED_RESULTS: String(bound) } });
  try {
    const base = Date.now();
    const firstSlots = await seedMonitors(run.client, { ...seed, url: run.target.url }, new Date(base));
    log(`seeded ${monitors} monitors every ${intervalSeconds} s; 2 workers; buffer bound ${bound} results per worker`);

    await sleepUntil(base + restartAfter);
    await waitUntilNoVitest();
    const downAt = Date.now();
    if (downSeconds > 0) {
      await pgctl("stop");
      log(`PostgreSQL stopped; starting it again in ${downSeconds} s`);
      await sleep(downSeconds * 1000);
      await pgctl("start");
    } else await pgctl("restart");
    await waitForDatabase(run.database.url);
    const backAt = Date.now();
    await run.reconnect();
    log(`PostgreSQL ${downSeconds > 0 ? "stopped and started" : "restarted"}: unreachable from ${round((downAt - base) / 1000)} s for ${round((backAt - downAt) / 1000)} s`);

    await sleepUntil(base + runFor);
    const stopAt = Date.now();
    const stop = await stopWorkers(run.workers);

    const audit = await auditChecks(run.client, run.target, { firstSlots, intervalSeconds, endAt: stopAt });
    const logs = run.workers.map((worker) => worker.logs);
    const failedWrites = "writing check results failed; keeping them and retrying";
    const peakBuffered = logs.map((lines) => maxLogged(lines, failedWrites, "buffered"));
    const dropped = logs.map((lines) => maxLogged(lines, failedWrites, "dropped"));
    const warnings = run.workers.map((worker) => loggedProblems(worker, downAt));
    // Probed again once the database was back (each monitor's next slot, or its lease expiring).
    const resumeBy = backAt + (intervalSeconds + lease) * 1000 + 2_500;
    const notResumed = [...firstSlots.keys()].filter((id) => !(run.target.requests.get(id) ?? []).some((request) => request.start > backAt && request.start <= resumeBy));
    const totalDropped = dropped.reduce((sum, n) => sum + n, 0);
    const problems = [
      ...duplicateProblems(audit),
      ...stop.problems,
      ...(audit.lostProbes.length > totalDropped ? [`${audit.lostProbes.length} probes have no check row, but the workers dropped only ${totalDropped} results`] : []),
      ...warnings.flatMap((counts, i) => (Object.keys(counts).length === 0 ? [`worker ${i + 1} logged nothing about the database going away`] : [])),
      ...(notResumed.length > 0 ? [`${notResumed.length} monitors were not probed within interval + lease after the database came back`] : []),
      ...(peakBuffered.every((n) => n === 0) ? ["no worker had to buffer results: the outage was too short to test that"] : []),
    ];
    return {
      injected: {
        workers: 2,
        monitors,
        intervalSeconds,
        databaseOutage: `${downSeconds > 0 ? `pg_ctlcluster stop, ${downSeconds} s, start` : "pg_ctlcluster restart"} at ${round((downAt - base) / 1000)} s: unreachable for ${round((backAt - downAt) / 1000)} s`,
        bufferBound: `${bound} results per worker (HOPWATCH_MAX_BUFFERED_RESULTS)`,
      },
      observed: {
        ...summarizeChecks(audit),
        peakBufferedPerWorker: peakBuffered,
        droppedPerWorker: dropped,
        lostBeyondBound: Math.max(0, audit.lostProbes.length - totalDropped),
        workerWarningsDuringOutage: warnings,
        exits: stop.exits,
      },
      problems,
    };
  } finally {
    await run.close();
  }
}

export const dbRestart: Scenario = { name: "db-restart", summary: "restart PostgreSQL under two running workers", run };
