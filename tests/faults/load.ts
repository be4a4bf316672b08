// Load: two workers, --monitors (5,000) every --interval (10 s) for --duration (300 s) against
// loopback targets: 90 % answer 200 within 50 ms, 5 % answer 502 and 5 % never answer (the probe
// times out after 3 s); failures are confirmed with one re-probe, so incidents open too. Reports
// checks/s, schedule lag, worker memory, and fails on any lost probe, duplicate or missed slot.
import { leaseSeconds, seedMonitors, sleepUntil, type TargetAnswer } from "../helpers/workers";
import { auditChecks, auditIncidents, duplicateProblems, log, loggedProblems, numberFlag, round, sampleRss, startRun, stopWorkers, summarizeChecks, type Flags, type Scenario } from "./harness";

async function run(flags: Flags) {
  const monitors = numberFlag(flags, "monitors", 5_000);
  const intervalSeconds = numberFlag(flags, "interval", 10);
  const runFor = numberFlag(flags, "duration", 300) * 1000;
  const seed = { count: monitors, intervalSeconds, timeoutSeconds: 3, retries: 1 };

  const kinds = new Map<string, "ok" | "502" | "timeout">();
  const answers: Record<string, () => TargetAnswer> = {
    ok: () => ({ status: 200, delayMs: Math.floor(Math.random() * 50) }),
    "502": () => ({ status: 502, delayMs: 10 }),
    timeout: () => "hang",
  };
  const run = await startRun({ workers: 2, answer: (id) => answers[kinds.get(id) ?? "ok"]() });
  try {
    const base = Date.now();
    const firstSlots = await seedMonitors(run.client, { ...seed, url: run.target.url }, new Date(base));
    [...firstSlots.keys()].forEach((id, i) => kinds.set(id, i % 20 === 0 ? "502" : i % 20 === 1 ? "timeout" : "ok"));
    const mix = { ok: 0, "502": 0, timeout: 0 };
    for (const kind of kinds.values()) mix[kind]++;
    log(`seeded ${monitors} monitors every ${intervalSeconds} s (${mix.ok} answer 200, ${mix["502"]} 502, ${mix.timeout} time out); 2 workers for ${runFor / 1000} s`);
    const rss = sampleRss(run.workers);
    for (let at = base + 60_000; at < base + runFor; at += 60_000) {
      await sleepUntil(at);
      const { rows } = await run.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "check"`);
      log(`${round((Date.now() - base) / 1000, 0)} s: ${rows[0].n} checks stored`);
    }
    await sleepUntil(base + runFor);
    const stopAt = Date.now();
    const stop = await stopWorkers(run.workers);
    const memory = rss.stop();

    const audit = await auditChecks(run.client, run.target, { firstSlots, intervalSeconds, endAt: stopAt });
    const failing = (id: string) => kinds.get(id) !== "ok";
    const incidents = await auditIncidents(run.client, firstSlots.keys(), (id) => (failing(id) ? 1 : 0));
    const problems = [
      ...duplicateProblems(audit),
      ...stop.problems,
      ...incidents.problems,
      ...(audit.lostProbes.length > 0 ? [`${audit.lostProbes.length} probes have no check row`] : []),
      ...(audit.missedSlots > 0 ? [`${audit.missedSlots} due slots were never run`] : []),
      ...(audit.maxGapMs > (intervalSeconds + leaseSeconds(seed)) * 1000 ? [`a monitor went ${round(audit.maxGapMs / 1000)} s without a probe`] : []),
    ];
    return {
      injected: { workers: 2, monitors, intervalSeconds, durationSeconds: runFor / 1000, offeredChecksPerSecond: monitors / intervalSeconds, mix, timeoutSeconds: seed.timeoutSeconds, retries: seed.retries },
      observed: {
        ...summarizeChecks(audit),
        lost: audit.lostProbes.length,
        duplicates: audit.phantomChecks + audit.sameSlotDuplicates.length + audit.overlappingMonitors,
        incidents: incidents.incidents,
        workerRssMb: memory,
        workerWarnings: run.workers.map((worker) => loggedProblems(worker)),
        exits: stop.exits,
      },
      problems,
    };
  } finally {
    await run.close();
  }
}

export const load: Scenario = { name: "load", summary: "two workers, 5,000 monitors for 5 minutes, 200/502/timeouts", run };
