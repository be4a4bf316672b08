// The contract between the dispatcher and a kind of channel (email, webhook…): one file per
// kind behind this interface, found through the registry, like the probe kinds.
import type { RenderedAlert } from "../render";

export type ChannelType = "EMAIL" | "WEBHOOK";

/** A stored channel as a channel kind needs it. */
export type ChannelTarget = {
  id: string;
  type: ChannelType;
  name: string;
  /** EMAIL: the recipient, or null for the account-email channel; WEBHOOK: the URL. */
  target: string | null;
  secret: string | null;
  /** The owner's current account email (what an account-email channel sends to). */
  accountEmail: string;
};

export type OutgoingAlert = {
  alertId: string;
  /** Unique per (incident, event, channel, reminder): the receiver can drop a repeat with it. */
  idempotencyKey: string;
  event: string;
  rendered: RenderedAlert;
};

export type DeliveryConfig = {
  /** null: email is not configured (SMTP_URL unset). */
  smtpUrl: string | null;
  alertFrom: string;
  /** Bound on one delivery (connect, greeting, each SMTP command / the whole HTTP request). */
  timeoutMs: number;
  /** publicUrl(): its host names the Message-ID domain. */
  baseUrl: string;
};

/** What the receiving server said on success: the SMTP reply or the HTTP status. */
export type DeliveryReceipt = { response: string };

export interface ChannelKind {
  type: ChannelType;
  /** Where it goes, for people: the address or the URL (never the secret). */
  describe(channel: ChannelTarget): string;
  /**
   * Delivers one alert, or rejects with an Error whose message is the exact SMTP or HTTP error
   * (it is stored as the attempt's error and shown in the delivery log).
   */
  send(alert: OutgoingAlert, channel: ChannelTarget, config: DeliveryConfig): Promise<DeliveryReceipt>;
}
