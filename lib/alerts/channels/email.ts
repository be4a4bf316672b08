// Email over SMTP with nodemailer: SMTP_URL (smtp://user:pass@host:587, smtps://…) and
// ALERT_FROM. Every message has a text and an HTML part, and a Message-ID derived from the
// alert, so a retried delivery is recognisably the same message.
import nodemailer from "nodemailer";
import type { ChannelKind, ChannelTarget, DeliveryConfig } from "./types";

type Transporter = ReturnType<typeof nodemailer.createTransport>;

// One transport per SMTP URL and timeout; nodemailer opens a connection per message (no pool),
// so a server that went away and came back needs nothing special.
const transports = new Map<string, Transporter>();

function transportFor(config: DeliveryConfig & { smtpUrl: string }): Transporter {
  const key = `${config.smtpUrl}|${config.timeoutMs}`;
  let transport = transports.get(key);
  if (!transport) {
    transport = nodemailer.createTransport({
      url: config.smtpUrl,
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    transports.set(key, transport);
  }
  return transport;
}

export function recipientOf(channel: ChannelTarget): string {
  return channel.target ?? channel.accountEmail;
}

function messageIdDomain(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname || "hopwatch.local";
  } catch {
    return "hopwatch.local";
  }
}

/** "ECONNECTION: connect ECONNREFUSED 127.0.0.1:2525", "EENVELOPE: … (550 5.1.1 No such user)". */
export function smtpErrorText(error: unknown): string {
  const err = error as { code?: string; message?: string; response?: string; command?: string };
  const message = err.message ?? String(error);
  const code = err.code && !message.startsWith(err.code) ? `${err.code}: ` : "";
  const reply = err.response && !message.includes(err.response) ? ` (server replied to ${err.command ?? "command"}: ${err.response})` : "";
  return `${code}${message}${reply}`;
}

export const emailChannel: ChannelKind = {
  type: "EMAIL",
  describe: (channel) => recipientOf(channel),
  async send(alert, channel, config) {
    if (!config.smtpUrl) {
      throw new Error("Email is not configured: set SMTP_URL (e.g. smtp://user:pass@smtp.example.com:587) and ALERT_FROM, then restart Hopwatch");
    }
    const transport = transportFor({ ...config, smtpUrl: config.smtpUrl });
    try {
      const info = await transport.sendMail({
        from: config.alertFrom,
        to: recipientOf(channel),
        subject: alert.rendered.subject,
        text: alert.rendered.text,
        html: alert.rendered.html,
        messageId: `<alert-${alert.alertId}@${messageIdDomain(config.baseUrl)}>`,
        headers: { "X-Hopwatch-Alert": alert.idempotencyKey, "X-Hopwatch-Event": alert.event, "Auto-Submitted": "auto-generated" },
      });
      const rejected = (info.rejected ?? []) as unknown[];
      if (rejected.length > 0) throw new Error(`The SMTP server rejected ${rejected.map(String).join(", ")}: ${info.response}`);
      return { response: String(info.response ?? "accepted") };
    } catch (error) {
      throw new Error(smtpErrorText(error));
    }
  },
};
