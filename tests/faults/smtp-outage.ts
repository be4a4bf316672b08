// SMTP outage: the mail server is gone for --outage-seconds (default 300) — the first half it
// refuses connections, the second half it answers every message with 451 — while monitors go
// down and recover one after another, so incidents open and resolve throughout. Afterwards every
// alert (DOWN and RESOLVED of each incident) must arrive exactly once, none of them early, with
// DOWN before RESOLVED. Deliveries are retried every --retry-base-seconds (10), doubling up to
// --retry-max-seconds (60), so that the backlog clears within a minute or so of the server's return.
import { freePort } from "../helpers/app-server";
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from "../helpers/smtp";
import { seedMonitors, sleepUntil, slowOk } from "../helpers/workers";
import { auditAlerts, auditIncidents, log, numberFlag, round, startRun, stopWorkers, waitForAlertsSettled, type Flags, type Scenario } from "./harness";

const DOWN_FOR_MS = 30_000;

async function run(flags: Flags) {
  const monitors = numberFlag(flags, "monitors", 40);
  const failing = Math.min(monitors, numberFlag(flags, "failing", 30));
  const intervalSeconds = numberFlag(flags, "interval", 10);
  const outageMs = numberFlag(flags, "outage-seconds", 300) * 1000;
  const retryBase = numberFlag(flags, "retry-base-seconds", 10);
  const retryMax = numberFlag(flags, "retry-max-seconds", 60);
  const outageFrom = 15_000;

  const port = await freePort();
  const received: ReceivedMail[] = [];
  let smtp: TestSmtpServer | null = await startSmtpServer(port);
  let refusing = false;
  // Monitor i goes down at outageFrom + 5 s + i·step for 30 s: openings and recoveries spread over the outage.
  const step = Math.max(1, (outageMs - 5_000 - DOWN_FOR_MS) / failing);
  const downWindow = new Map<string, [number, number]>();
  let base = 0;
  const run = await startRun({
    workers: 2,
    answer: (id) => {
      const window = downWindow.get(id);
      const now = Date.now() - base;
      return window && now >= window[0] && now < window[1] ? { status: 502, delayMs: 20 } : slowOk();
    },
    workerEnv: {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      HOPWATCH_ALERT_RETRY_BASE_SECONDS: String(retryBase),
      HOPWATCH_ALERT_RETRY_MAX_SECONDS: String(retryMax),
      HOPWATCH_ALERT_TIMEOUT_SECONDS: "5",
    },
  });
  try {
    base = Date.now();
    const firstSlots = await seedMonitors(run.client, { count: monitors, intervalSeconds, timeoutSeconds: 2, retries: 1, url: run.target.url }, new Date(base));
    [...firstSlots.keys()].slice(0, failing).forEach((id, i) => {
      const from = outageFrom + 5_000 + i * step;
      downWindow.set(id, [from, from + DOWN_FOR_MS]);
    });
    log(`seeded ${monitors} monitors every ${intervalSeconds} s; ${failing} answer 502 for 30 s each, one starting every ${round(step / 1000)} s during the outage`);

    await sleepUntil(base + outageFrom);
    received.push(...smtp.messages);
    await smtp.close();
    smtp = null;
    const outageStartedAt = Date.now();
    log(`SMTP server stopped (connections refused) for ${outageMs / 2000} s`);
    await sleepUntil(outageStartedAt + outageMs / 2);
    refusing = true;
    smtp = await startSmtpServer(port, () => (refusing ? "4.3.2 Service temporarily unavailable, try again later" : null));
    log(`SMTP server back but answering 451 to every message for ${outageMs / 2000} s`);
    await sleepUntil(outageStartedAt + outageMs);
    refusing = false;
    const restoredAt = Date.now();
    log("SMTP server accepting mail again; waiting for every incident to resolve and every alert to be delivered");
    const settled = await waitForAlertsSettled(run.client, 10 * 60_000);
    const settledAt = Date.now();
    const stop = await stopWorkers(run.workers);
    received.push(...smtp.messages);

    const incidents = await auditIncidents(run.client, firstSlots.keys(), (id) => (downWindow.has(id) ? 1 : 0));
    const alerts = await auditAlerts(run.client, received);
    const createdDuringOutage = alerts.rows.filter((alert) => alert.createdAt.getTime() >= outageStartedAt && alert.createdAt.getTime() < restoredAt);
    const failedAttempts = alerts.rows.reduce((sum, alert) => sum + alert.attempts - (alert.status === "SENT" ? 1 : 0), 0);
    const early = received.filter((message) => message.receivedAt >= outageStartedAt && message.receivedAt < restoredAt);
    const lastArrival = Math.max(...received.map((message) => message.receivedAt));
    const problems = [
      ...stop.problems,
      ...incidents.problems,
      ...alerts.problems,
      ...(settled ? [] : ["incidents still open or alerts still pending 10 min after the outage"]),
      ...(early.length > 0 ? [`${early.length} messages were accepted during the outage`] : []),
      ...(alerts.alerts !== 2 * failing ? [`${alerts.alerts} alerts, expected ${2 * failing} (DOWN and RESOLVED per incident)`] : []),
      ...(createdDuringOutage.length === 0 ? ["no alert was created during the outage: nothing was tested"] : []),
    ];
    return {
      injected: {
        workers: 2,
        monitors,
        smtpOutage: `${outageMs / 1000} s from ${round((outageStartedAt - base) / 1000)} s: connections refused, then 451 to every message`,
        incidentsOpening: `${failing} monitors down for 30 s each, staggered over the outage`,
        retry: `base ${retryBase} s doubling, at most ${retryMax} s apart`,
      },
      observed: {
        incidents: incidents.incidents,
        alerts: alerts.alerts,
        alertsCreatedDuringOutage: createdDuringOutage.length,
        failedDeliveryAttempts: failedAttempts,
        alertsByStatus: alerts.byStatus,
        emailsReceived: alerts.messages,
        duplicateEmails: alerts.duplicates,
        acceptedDuringOutage: early.length,
        lastArrivalAfterRestore: `${round((lastArrival - restoredAt) / 1000)} s`,
        settledAfterRestore: `${round((settledAt - restoredAt) / 1000)} s`,
        exits: stop.exits,
      },
      problems,
    };
  } finally {
    await run.close();
    await smtp?.close();
  }
}

export const smtpOutage: Scenario = { name: "smtp-outage", summary: "SMTP server down for 5 minutes while incidents open and resolve", run };
