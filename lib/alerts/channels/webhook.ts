// Webhook: a POST of the alert as JSON (with a Slack-compatible `text` field). With a secret,
// X-Hopwatch-Signature: sha256=<hex HMAC-SHA256 of the raw body>; the body carries the same
// `timestamp` as the X-Hopwatch-Timestamp header, so a receiver can refuse stale replays.
// X-Hopwatch-Delivery is the alert's idempotency key: the same on every retry of one alert.
import { createHmac, timingSafeEqual } from "node:crypto";
import { refusedHostReason } from "../../probes/target-policy";
import type { ChannelKind } from "./types";

export const SIGNATURE_HEADER = "x-hopwatch-signature";
export const TIMESTAMP_HEADER = "x-hopwatch-timestamp";
export const DELIVERY_HEADER = "x-hopwatch-delivery";

export function signWebhookBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody, "utf8").digest("hex")}`;
}

/** For receivers (and tests): constant-time check of a signature header against the raw body. */
export function verifyWebhookSignature(secret: string, rawBody: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The exact body and headers of one delivery; `now` is the delivery time. */
export function webhookRequest(input: { json: Record<string, unknown>; idempotencyKey: string; event: string; secret: string | null; now: Date }) {
  const timestamp = Math.floor(input.now.getTime() / 1000);
  const body = JSON.stringify({ ...input.json, timestamp });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Hopwatch-Alerts/1",
    "x-hopwatch-event": input.event,
    [DELIVERY_HEADER]: input.idempotencyKey,
    [TIMESTAMP_HEADER]: String(timestamp),
  };
  if (input.secret) headers[SIGNATURE_HEADER] = signWebhookBody(input.secret, body);
  return { body, headers };
}

function networkErrorText(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return "the webhook did not answer in time";
  const cause = err.cause;
  if (cause?.message) return cause.code && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return err.message ?? String(error);
}

export const webhookChannel: ChannelKind = {
  type: "WEBHOOK",
  describe: (channel) => channel.target ?? "(no URL)",
  async send(alert, channel, config) {
    if (!channel.target) throw new Error("This webhook has no URL");
    // BLOCK_PRIVATE_TARGETS covers webhooks too: the URL is re-resolved before every delivery.
    const refused = await refusedHostReason(new URL(channel.target).hostname);
    if (refused) throw new Error(`POST ${channel.target} refused: ${refused}, and BLOCK_PRIVATE_TARGETS is on`);
    const { body, headers } = webhookRequest({ json: alert.rendered.json, idempotencyKey: alert.idempotencyKey, event: alert.event, secret: channel.secret, now: new Date() });
    let response: Response;
    try {
      response = await fetch(channel.target, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(config.timeoutMs) });
    } catch (error) {
      throw new Error(`POST ${channel.target} failed: ${networkErrorText(error)}`);
    }
    const text = await response.text().catch(() => "");
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    if (response.status < 200 || response.status >= 300) {
      const excerpt = text.trim().slice(0, 300);
      throw new Error(`POST ${channel.target} answered ${status}${excerpt ? `: ${excerpt}` : ""}`);
    }
    return { response: status };
  },
};
