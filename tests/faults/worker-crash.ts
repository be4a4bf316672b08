// Worker crash: two workers share the monitors; a tenth of them go through a 502 outage (so that
// incidents open and alerts go out while it happens); one worker is SIGKILLed in the middle of it.
// The survivor must take the dead worker's monitors over within interval + lease, and nothing
// may happen twice: no slot probed twice, no check stored twice, one incident per outage, every
// alert received exactly once.
import { startSmtpServer } from "../helpers/smtp";
import { leaseSeconds, seedMonitors, sleep, sleepUntil, slowOk } from "../helpers/workers";
import { auditAlerts, auditChecks, auditIncidents, duplicateProblems, log, loggedProblems, numberFlag, round, startRun, stopWorkers, summarizeChecks, waitForAlertsSettled, type Flags, type Scenario } from "./harness";

const FLUSH_INTERVAL_MS = 1_000; // the worker default (HOPWATCH_FLUSH_INTERVAL_MS)
// A lease that expires is noticed by the next claim round (every 250 ms), plus claim and probe
// latency on a busy machine.
const TAKEOVER_SLACK_MS = 2_500;

async function run(flags: Flags) {
  const monitors = numberFlag(flags, "monitors", 500);
  const intervalSeconds = numberFlag(flags, "interval", 10);
  const seconds = (name: string, fallback: number) => numberFlag(flags, name, fallback) * 1000;
  const outageFrom = seconds("outage-from", 20);
  const outageTo = seconds("outage-to", 50);
  const killAfter = seconds("kill-at", 35);
  const runFor = seconds("duration", 80);
  const seed = { count: monitors, intervalSeconds, timeoutSeconds: 2, retries: 1 };
  const lease = leaseSeconds(seed);

  const smtp = await startSmtpServer();
  let base = 0;
  const outageMonitors = new Set<string>();
  const inOutage = () => Date.now() - base >= outageFrom && Date.now() - base < outageTo;
  const run = await startRun({
    workers: 2,
    answer: (id) => (outageMonitors.has(id) && inOutage() ? { status: 502, delayMs: 20 } : slowOk()),
    workerEnv: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` },
  });
  try {
    base = Date.now();
    const firstSlots = await seedMonitors(run.client, { ...seed, url: run.target.url }, new Date(base));
    [...firstSlots.keys()].slice(0, Math.round(monitors / 10)).forEach((id) => outageMonitors.add(id));
    log(`seeded ${monitors} monitors every ${intervalSeconds} s (${outageMonitors.size} answer 502 from ${outageFrom / 1000} s to ${outageTo / 1000} s); 2 workers`);

    await sleepUntil(base + killAfter);
    // The worker holding the most leases right now: it dies with work claimed and results buffered.
    const { rows } = await run.client.query<{ owner: string }>(
      `SELECT "leaseOwner" AS owner FROM monitor WHERE "leaseOwner" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const victim = run.workers.find((worker) => worker.owner() === rows[0]?.owner) ?? run.workers[0];
    const survivor = run.workers.find((worker) => worker !== victim)!;
    const { rows: held } = await run.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM monitor WHERE "leaseOwner" = $1`, [victim.owner()]);
    const killAt = Date.now();
    process.kill(-victim.child.pid!, "SIGKILL");
    await victim.exited;
    log(`kill -9 worker pid ${victim.child.pid} at ${round((killAt - base) / 1000)} s (it held ${held[0].n} leases)`);

    await sleepUntil(base + runFor);
    const probingEndedAt = Date.now();
    // Alerts the dead worker had claimed come back when their lease (2 min) expires.
    log("waiting for every incident to resolve and every alert to be delivered");
    const settled = await waitForAlertsSettled(run.client, 200_000);
    const stopAt = Date.now();
    const stop = await stopWorkers([survivor]);
    await sleep(500);

    // Checks per second while probing, before the alerts drained.
    const audit = await auditChecks(run.client, run.target, { firstSlots, intervalSeconds, endAt: stopAt, rateWindow: [base + intervalSeconds * 1000, probingEndedAt] });
    // What the dead worker may have lost: results buffered since its last flush, and probes in flight.
    const lossWindow: [number, number] = [killAt - FLUSH_INTERVAL_MS - seed.timeoutSeconds * 1000 - 500, killAt];
    const lostOutside = audit.lostProbes.filter((probe) => probe.start < lossWindow[0] || probe.start > lossWindow[1]);
    const maxAllowedGapMs = (intervalSeconds + lease) * 1000 + TAKEOVER_SLACK_MS;
    const incidents = await auditIncidents(run.client, firstSlots.keys(), (id) => (outageMonitors.has(id) ? 1 : 0));
    const alerts = await auditAlerts(run.client, smtp.messages);
    const problems = [
      ...duplicateProblems(audit),
      ...stop.problems,
      ...incidents.problems,
      ...alerts.problems,
      ...(settled ? [] : ["incidents still open or alerts still pending 200 s after the run"]),
      ...(audit.maxGapMs > maxAllowedGapMs ? [`a monitor went ${round(audit.maxGapMs / 1000)} s without a probe (allowed: interval + lease + ${TAKEOVER_SLACK_MS / 1000} s = ${maxAllowedGapMs / 1000} s)`] : []),
      ...(audit.neverProbed > 0 ? [`${audit.neverProbed} monitors were never probed`] : []),
      ...lostOutside.map((probe) => `a probe at kill${probe.start >= killAt ? "+" : ""}${probe.start - killAt} ms has no check row (outside the dead worker's loss window)`),
      ...(alerts.alerts !== 2 * outageMonitors.size ? [`${alerts.alerts} alerts, expected ${2 * outageMonitors.size} (DOWN and RESOLVED per outage)`] : []),
    ];
    return {
      injected: {
        workers: 2,
        monitors,
        intervalSeconds,
        lease: `${lease} s`,
        outage: `${outageMonitors.size} monitors answer 502 from ${outageFrom / 1000} s to ${outageTo / 1000} s`,
        kill9: `worker pid ${victim.child.pid} at ${round((killAt - base) / 1000)} s, holding ${held[0].n} leases`,
        ranFor: `${round((probingEndedAt - base) / 1000)} s, then alerts drained until ${round((stopAt - base) / 1000)} s`,
      },
      observed: {
        ...summarizeChecks(audit),
        lostWithDeadWorker: `${audit.lostProbes.length} probes (results buffered or in flight in its last ${round((lossWindow[1] - lossWindow[0]) / 1000)} s; allowed)`,
        maxAllowedGapMs,
        incidents: incidents.incidents,
        openIncidents: incidents.open,
        alerts: alerts.alerts,
        alertsByStatus: alerts.byStatus,
        emailsReceived: alerts.messages,
        duplicateEmails: alerts.duplicates,
        survivorStop: stop.exits[0],
        survivorWarnings: loggedProblems(survivor),
      },
      problems,
    };
  } finally {
    await run.close();
    await smtp.close();
  }
}

export const workerCrash: Scenario = { name: "worker-crash", summary: "kill -9 one of two workers in the middle of an outage", run };
