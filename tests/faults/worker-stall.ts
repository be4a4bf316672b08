// Worker stall: one of two workers is frozen (SIGSTOP) for --stall-seconds (12, less than the
// 16 s lease, so nobody takes its monitors over) and then resumed (SIGCONT) — what a long GC
// pause, a swapped-out or paused VM looks like. Runs it had claimed before the stall start late
// when it resumes; none may be probed twice for one slot, and nothing may be lost or stored twice.
import { leaseSeconds, seedMonitors, sleep, sleepUntil, slowOk } from "../helpers/workers";
import { auditChecks, duplicateProblems, log, numberFlag, round, startRun, stopWorkers, summarizeChecks, type Flags, type Scenario } from "./harness";

async function run(flags: Flags) {
  const monitors = numberFlag(flags, "monitors", 500);
  const intervalSeconds = numberFlag(flags, "interval", 10);
  const stallMs = numberFlag(flags, "stall-seconds", 12) * 1000;
  const runFor = numberFlag(flags, "duration", 60) * 1000;
  const seed = { count: monitors, intervalSeconds, timeoutSeconds: 2, retries: 1 };

  const run = await startRun({ workers: 2, answer: slowOk });
  try {
    const base = Date.now();
    const firstSlots = await seedMonitors(run.client, { ...seed, url: run.target.url }, new Date(base));
    log(`seeded ${monitors} monitors every ${intervalSeconds} s; 2 workers`);
    await sleepUntil(base + 20_000);
    const frozen = run.workers[0];
    const stalledAt = Date.now();
    process.kill(frozen.child.pid!, "SIGSTOP");
    await sleep(stallMs);
    process.kill(frozen.child.pid!, "SIGCONT");
    log(`worker pid ${frozen.child.pid} frozen from ${round((stalledAt - base) / 1000)} s for ${stallMs / 1000} s`);

    await sleepUntil(base + runFor);
    const stopAt = Date.now();
    const stop = await stopWorkers(run.workers);
    const audit = await auditChecks(run.client, run.target, { firstSlots, intervalSeconds, endAt: stopAt });
    const problems = [...duplicateProblems(audit), ...stop.problems, ...(audit.lostProbes.length > 0 ? [`${audit.lostProbes.length} probes have no check row`] : [])];
    return {
      injected: { workers: 2, monitors, intervalSeconds, lease: `${leaseSeconds(seed)} s`, stall: `SIGSTOP worker pid ${frozen.child.pid} at ${round((stalledAt - base) / 1000)} s, SIGCONT ${stallMs / 1000} s later` },
      observed: { ...summarizeChecks(audit), exits: stop.exits },
      problems,
    };
  } finally {
    await run.close();
  }
}

export const workerStall: Scenario = { name: "worker-stall", summary: "freeze one of two workers (SIGSTOP) for 12 s, then resume it", run };
