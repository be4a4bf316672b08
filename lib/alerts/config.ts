// Alert settings of the process, from the environment. SMTP_URL unset (the embedded default)
// means email alerts stay in the outbox with the reason in the delivery log; nothing crashes.
import { publicUrl } from "../config";
import type { DeliveryConfig } from "./channels/types";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./policy";

export type AlertOptions = {
  retry: RetryPolicy;
  /** A DOWN alert waits this long at most for the incident's diagnosis before going without it. */
  holdForDiagnosisMs: number;
  /** How often the dispatcher looks for due alerts. */
  pollIntervalMs: number;
  /** How often reminders and flapping are evaluated. */
  passIntervalMs: number;
  /** How often certificates are checked for expiry (within the pass). */
  tlsCheckIntervalMs: number;
  /** Deliveries in flight at once per process. */
  maxInFlight: number;
  /** A claimed alert is this process's for this long; then any dispatcher may take it over. */
  leaseMs: number;
  /** Overrides of the environment's SMTP_URL / ALERT_FROM / timeouts (tests). */
  delivery?: Partial<DeliveryConfig>;
};

export function smtpUrl(env = process.env): string | null {
  return env.SMTP_URL?.trim() || null;
}

export function smtpConfigured(env = process.env): boolean {
  return smtpUrl(env) !== null;
}

export function deliveryConfig(overrides: Partial<DeliveryConfig> = {}, env = process.env): DeliveryConfig {
  const base = publicUrl();
  let host = "localhost";
  try {
    host = new URL(base).hostname || host;
  } catch {
    // keep localhost
  }
  return {
    smtpUrl: smtpUrl(env),
    alertFrom: env.ALERT_FROM?.trim() || `"Hopwatch" <hopwatch@${host}>`,
    timeoutMs: env.HOPWATCH_ALERT_TIMEOUT_SECONDS ? Number(env.HOPWATCH_ALERT_TIMEOUT_SECONDS) * 1000 : 20_000,
    baseUrl: base,
    ...overrides,
  };
}

export function alertOptionsFromEnv(env = process.env): AlertOptions {
  const seconds = (name: string, fallback: number) => (env[name] ? Number(env[name]) * 1000 : fallback);
  return {
    retry: {
      baseMs: seconds("HOPWATCH_ALERT_RETRY_BASE_SECONDS", DEFAULT_RETRY_POLICY.baseMs),
      maxDelayMs: seconds("HOPWATCH_ALERT_RETRY_MAX_SECONDS", DEFAULT_RETRY_POLICY.maxDelayMs),
      giveUpAfterMs: seconds("HOPWATCH_ALERT_GIVE_UP_SECONDS", DEFAULT_RETRY_POLICY.giveUpAfterMs),
    },
    holdForDiagnosisMs: seconds("HOPWATCH_ALERT_DIAGNOSIS_WAIT_SECONDS", 20_000),
    pollIntervalMs: 1_000,
    passIntervalMs: seconds("HOPWATCH_ALERT_PASS_SECONDS", 15_000),
    tlsCheckIntervalMs: 5 * 60_000,
    maxInFlight: 10,
    leaseMs: 120_000,
  };
}
