// The alert dispatcher of one scheduler process (started and stopped with it, see
// lib/scheduler/runtime.ts). Every second it claims due outbox rows with FOR UPDATE SKIP LOCKED
// and a lease, renders each from current data, sends it through its channel and records the
// attempt; a failure is retried with exponential backoff until 24 h after the alert was created.
// Every ~15 s it also runs the alert pass (reminders, flapping, TLS expiry: produce.ts).
//
// No loss: an alert exists from the transaction that caused it and stays PENDING until an
// attempt succeeds or the 24 h are up. No duplicates: the idempotency key makes each alert one
// row; the lease keeps two dispatchers off one row; "sent" is committed in the same transaction
// as the successful attempt's record. The one window left is between the receiving server's
// acceptance and that commit (a crash or database outage there): the lease then expires and the
// alert is sent again — with the same Message-ID / X-Hopwatch-Delivery, so receivers can drop it.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { PrismaClient } from "../generated/prisma/client";
import { logger } from "../logger";
import { getChannelKind } from "./channels/registry";
import { alertOptionsFromEnv, deliveryConfig, type AlertOptions } from "./config";
import { loadAlert, type LoadedAlert } from "./load";
import { ts } from "./outbox-sql";
import { afterFailure } from "./policy";
import { evaluateFlapping, produceReminders, produceTlsExpiry } from "./produce";
import { renderAlert, type RenderedAlert } from "./render";

const STATE_EVENTS = new Set(["DOWN", "RESOLVED", "REMINDER"]);

/**
 * Leases up to `limit` due alerts. A DOWN alert waits for its incident's diagnosis (at most
 * `holdCutoff`), and alerts of one incident and channel go out in the order they were written
 * (DOWN before its reminders before RESOLVED).
 */
export async function claimDueAlerts(
  prisma: PrismaClient,
  input: { owner: string; now: Date; limit: number; leaseUntil: Date; holdCutoff: Date },
): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH due AS (
      SELECT a.id FROM alert a
      WHERE a.status = 'PENDING' AND a."nextAttemptAt" <= ${ts(input.now)}
        AND (a."leaseExpiresAt" IS NULL OR a."leaseExpiresAt" < ${ts(input.now)})
        AND NOT (a.event = 'DOWN' AND a."createdAt" > ${ts(input.holdCutoff)} AND EXISTS (
          SELECT 1 FROM incident i WHERE i.id = a."incidentId" AND i.status = 'OPEN' AND i.diagnosis IS NULL))
        AND NOT EXISTS (
          SELECT 1 FROM alert earlier
          WHERE a."incidentId" IS NOT NULL AND earlier."incidentId" = a."incidentId" AND earlier."channelId" = a."channelId"
            AND earlier.status = 'PENDING' AND earlier.seq < a.seq)
      ORDER BY a."nextAttemptAt"
      LIMIT ${input.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE alert a SET "leaseOwner" = ${input.owner}, "leaseExpiresAt" = ${ts(input.leaseUntil)}
    FROM due WHERE a.id = due.id
    RETURNING a.id`;
  return rows.map((row) => row.id);
}

export type DispatcherStats = { claimed: number; sent: number; retrying: number; failed: number; suppressed: number };

export class AlertDispatcher {
  readonly owner = `${os.hostname()}:${process.pid}:alerts-${randomUUID().slice(0, 8)}`;
  readonly stats: DispatcherStats = { claimed: 0, sent: 0, retrying: 0, failed: 0, suppressed: 0 };
  private pollTimer: NodeJS.Timeout | null = null;
  private passTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private claiming: Promise<number> | null = null;
  private passing: Promise<void> | null = null;
  private lastTlsCheck = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly getPrisma: () => Promise<PrismaClient>,
    private readonly options: AlertOptions = alertOptionsFromEnv(),
    /** The dispatcher's clock: tests pass a controllable one. */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.pollTimer) return;
    this.stopped = false;
    this.pollTimer = setInterval(() => void this.tick(), this.options.pollIntervalMs);
    this.passTimer = setInterval(() => void this.runPass(), this.options.passIntervalMs);
    this.pollTimer.unref();
    this.passTimer.unref();
    void this.tick();
    logger.info({ owner: this.owner, smtp: deliveryConfig(this.options.delivery).smtpUrl ? "configured" : "not configured" }, "alert dispatcher started");
  }

  /** Claims what is due and starts delivering it (without waiting); returns how many it claimed. */
  async tick(): Promise<number> {
    if (this.claiming || this.stopped) return 0;
    this.claiming = (async () => {
      try {
        const room = this.options.maxInFlight - this.inFlight.size;
        if (room <= 0) return 0;
        const prisma = await this.getPrisma();
        const now = this.clock();
        const ids = await claimDueAlerts(prisma, {
          owner: this.owner,
          now,
          limit: room,
          leaseUntil: new Date(now.getTime() + this.options.leaseMs),
          holdCutoff: new Date(now.getTime() - this.options.holdForDiagnosisMs),
        });
        this.stats.claimed += ids.length;
        for (const id of ids) {
          const delivery: Promise<void> = this.deliver(prisma, id)
            .catch((error) => logger.error({ err: error, alertId: id }, "alert delivery failed unexpectedly; it is retried when its lease expires"))
            .finally(() => this.inFlight.delete(delivery));
          this.inFlight.add(delivery);
        }
        return ids.length;
      } catch (error) {
        logger.warn({ err: error }, "claiming due alerts failed; retrying next second");
        return 0;
      } finally {
        this.claiming = null;
      }
    })();
    return this.claiming;
  }

  /** Claims and delivers until nothing more is due now (tests and tools; the timers do this in production). */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.tick();
      await Promise.allSettled([...this.inFlight]);
      total += claimed;
      if (claimed === 0) return total;
    }
  }

  /** Reminders and flapping at every pass; certificates every tlsCheckIntervalMs. */
  async runPass(now: Date = this.clock()): Promise<void> {
    if (this.passing) return this.passing;
    this.passing = (async () => {
      try {
        const prisma = await this.getPrisma();
        await produceReminders(prisma, now);
        await evaluateFlapping(prisma, now);
        if (now.getTime() - this.lastTlsCheck >= this.options.tlsCheckIntervalMs) {
          await produceTlsExpiry(prisma, now);
          this.lastTlsCheck = now.getTime();
        }
      } catch (error) {
        logger.warn({ err: error }, "alert pass failed; retrying at the next one");
      } finally {
        this.passing = null;
      }
    })();
    return this.passing;
  }

  /** Graceful stop: claim nothing more, let deliveries under way finish and be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.passTimer) clearInterval(this.passTimer);
    this.pollTimer = this.passTimer = null;
    await this.claiming;
    await this.passing;
    await Promise.allSettled([...this.inFlight]);
    logger.info({ owner: this.owner, ...this.stats }, "alert dispatcher stopped");
  }

  private async suppressionReason(prisma: PrismaClient, alert: LoadedAlert, now: Date): Promise<string | null> {
    if (!alert.channel.enabled) return "The channel was turned off before this alert went out.";
    if (alert.event === "REMINDER" && alert.incidentStatus !== "OPEN") return "The incident was resolved before this reminder went out.";
    if (STATE_EVENTS.has(alert.event) && alert.monitorId) {
      const flap = await evaluateFlapping(prisma, now, alert.monitorId);
      if (flap.flapping.includes(alert.monitorId)) {
        return "The monitor is flapping: one FLAPPING alert went out instead, and its alerts stay quiet until it has been stable for 30 minutes.";
      }
    }
    return null;
  }

  private async deliver(prisma: PrismaClient, alertId: string): Promise<void> {
    const config = deliveryConfig(this.options.delivery);
    const alert = await loadAlert(prisma, alertId, config.baseUrl);
    if (!alert) return; // deleted with its monitor or channel
    if (alert.status !== "PENDING") {
      await prisma.alert.updateMany({ where: { id: alertId, leaseOwner: this.owner }, data: { leaseOwner: null, leaseExpiresAt: null } });
      return;
    }
    const reason = await this.suppressionReason(prisma, alert, this.clock());
    if (reason) {
      await prisma.alert.updateMany({
        where: { id: alertId, status: "PENDING", leaseOwner: this.owner },
        data: { status: "SUPPRESSED", lastError: reason, leaseOwner: null, leaseExpiresAt: null },
      });
      this.stats.suppressed++;
      return;
    }

    const number = alert.attempts + 1;
    const startedAt = this.clock();
    const started = performance.now();
    let rendered: RenderedAlert | null = null;
    let response: string | null = null;
    let error: string | null = null;
    try {
      rendered = renderAlert(alert.render);
      const receipt = await getChannelKind(alert.channel.type).send(
        { alertId, idempotencyKey: alert.idempotencyKey, event: alert.event, rendered },
        alert.channel,
        config,
      );
      response = receipt.response;
    } catch (caught) {
      error = rendered ? (caught as Error).message : `Could not render the alert: ${(caught as Error).message}`;
    }
    const durationMs = Math.round(performance.now() - started);
    const attempt = { alertId, number, at: startedAt, durationMs, ok: error === null, response, error, owner: this.owner };
    const content = { subject: rendered?.subject ?? null, text: rendered?.text ?? null };

    if (error === null) {
      // Sent: the attempt and the SENT mark commit together. Retried for a while if the database
      // is unreachable, because until this commits the alert could be sent again.
      await this.persist(
        () =>
          prisma.$transaction([
            prisma.alertAttempt.create({ data: attempt }),
            prisma.alert.updateMany({
              where: { id: alertId, status: "PENDING" },
              data: { status: "SENT", sentAt: this.clock(), attempts: { increment: 1 }, lastError: null, ...content, leaseOwner: null, leaseExpiresAt: null },
            }),
          ]),
        alertId,
      );
      this.stats.sent++;
      logger.info({ alertId, event: alert.event, channel: alert.channel.type, attempt: number }, "alert sent");
      return;
    }

    const next = afterFailure({ createdAt: alert.createdAt, failedAttempts: number, now: this.clock() }, this.options.retry);
    await prisma.$transaction([
      prisma.alertAttempt.create({ data: attempt }),
      prisma.alert.updateMany({
        where: { id: alertId, status: "PENDING", leaseOwner: this.owner },
        data: {
          status: next.status,
          ...(next.status === "PENDING" ? { nextAttemptAt: next.nextAttemptAt } : {}),
          attempts: { increment: 1 },
          lastError: error,
          ...content,
          leaseOwner: null,
          leaseExpiresAt: null,
        },
      }),
    ]);
    if (next.status === "FAILED") this.stats.failed++;
    else this.stats.retrying++;
    logger.warn({ alertId, event: alert.event, channel: alert.channel.type, attempt: number, error, ...(next.status === "PENDING" ? { nextAttemptAt: next.nextAttemptAt } : { gaveUp: true }) }, "alert delivery failed");
  }

  /** Retries a write that must not be lost for up to half the lease. */
  private async persist(write: () => Promise<unknown>, alertId: string): Promise<void> {
    const deadline = performance.now() + this.options.leaseMs / 2;
    for (let pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
      try {
        await write();
        return;
      } catch (error) {
        if (performance.now() + pause > deadline) {
          logger.error({ err: error, alertId }, "alert was delivered but could not be marked sent; it may be delivered again when its lease expires");
          return;
        }
        await sleep(pause);
      }
    }
  }
}
