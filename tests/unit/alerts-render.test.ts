// What alerts say: specific subjects, the diagnosis in the body, text and HTML parts, signed
// webhook bodies with a Slack-compatible text field.
import { describe, expect, it } from "vitest";
import { escapeHtml, formatAlertDuration, renderAlert, type AlertRenderInput } from "@/lib/alerts/render";
import { signWebhookBody, verifyWebhookSignature, webhookRequest } from "@/lib/alerts/channels/webhook";
import { smtpErrorText } from "@/lib/alerts/channels/email";

const openedAt = new Date("2026-11-22T10:00:00.000Z");

function input(overrides: Partial<AlertRenderInput> & { event?: AlertRenderInput["alert"]["event"] } = {}): AlertRenderInput {
  const { event = "DOWN", ...rest } = overrides;
  return {
    alert: { id: "a1", idempotencyKey: `incident:i1:${event}:c1`, event, sequence: 0, payload: {}, createdAt: openedAt },
    channel: { name: "Account email" },
    monitor: { id: "m1", name: "Checkout API", url: "https://shop.example.com/api/health", method: "GET", type: "HTTP" },
    incident: {
      id: "i1",
      status: "OPEN",
      cause: "HTTP_502",
      lastErrorKind: "HTTP_502",
      openedAt,
      resolvedAt: null,
      durationSeconds: null,
      diagnosis: {
        headline: "502 Bad Gateway from nginx (upstream refused)",
        summary: "nginx answered 502 Bad Gateway and the origin refuses connections when probed directly, so the origin app is down or not listening (persistent: 3 consecutive failures).",
        hop: "upstream",
        gateway: { name: "nginx", confidence: 0.9, evidence: ["Server: nginx/1.24.0"] },
        probableCauses: ["upstream_down"],
        nextSteps: ["http://10.0.0.12:8080/health probed directly: connection refused → the application is down: check its process and logs"],
        evidence: { statusLine: "HTTP/1.1 502 Bad Gateway" },
      },
    },
    check: { startedAt: openedAt, errorKind: "HTTP_502", httpStatus: 502, message: "502 Bad Gateway", remoteIp: "203.0.113.7", dnsMs: 1.2, connectMs: 10.5, tlsMs: 22, ttfbMs: 30, transferMs: 0.4, totalMs: 64 },
    reminderMinutes: 60,
    baseUrl: "https://hopwatch.example.com",
    ...rest,
  };
}

describe("alert rendering", () => {
  it("DOWN: the subject names the monitor and the diagnosis headline; the body carries kind, hop, gateway, next steps, timings and a link", () => {
    const rendered = renderAlert(input());
    expect(rendered.subject).toBe("[Hopwatch] DOWN: Checkout API — 502 Bad Gateway from nginx (upstream refused)");
    for (const part of [
      "Error kind:",
      "HTTP_502 (502 Bad Gateway)",
      "Failing hop:",
      "Upstream (origin)",
      "nginx (90% confidence: Server: nginx/1.24.0)",
      "the origin app is down or not listening",
      "Next steps",
      "  1. http://10.0.0.12:8080/health probed directly",
      "first byte 30 ms",
      "Incident: https://hopwatch.example.com/incidents/i1",
      "HTTP/1.1 502 Bad Gateway",
    ]) {
      expect(rendered.text).toContain(part);
    }
    expect(rendered.html).toContain("<ol");
    expect(rendered.html).toContain('href="https://hopwatch.example.com/incidents/i1"');
  });

  it("DOWN without a diagnosis yet falls back to the error kind", () => {
    const base = input();
    const rendered = renderAlert({ ...base, incident: { ...base.incident!, diagnosis: null } });
    expect(rendered.subject).toBe("[Hopwatch] DOWN: Checkout API — 502 Bad Gateway");
    expect(rendered.text).toContain("Not available yet");
  });

  it("RESOLVED: the subject says how long it was down", () => {
    const base = input({ event: "RESOLVED" });
    const rendered = renderAlert({ ...base, incident: { ...base.incident!, status: "RESOLVED", resolvedAt: new Date(openedAt.getTime() + 720_000), durationSeconds: 720 } });
    expect(rendered.subject).toBe("[Hopwatch] RESOLVED: Checkout API — down 12 min");
    expect(rendered.text).toContain("Checkout API is back UP after 12 min down.");
  });

  it("REMINDER, TLS and FLAPPING subjects", () => {
    const reminder = input({ event: "REMINDER" });
    reminder.alert.sequence = 2;
    reminder.alert.payload = { dueAt: new Date(openedAt.getTime() + 2 * 3_600_000).toISOString() };
    expect(renderAlert(reminder).subject).toBe("[Hopwatch] STILL DOWN: Checkout API — 502 Bad Gateway from nginx (upstream refused), down 2 h");
    expect(renderAlert(reminder).text).toContain("(reminder 2)");

    const tls = input({ event: "TLS_EXPIRING", incident: null, check: null });
    tls.alert.payload = { validTo: "2026-12-01T00:00:00.000Z", daysLeft: 8, certSubject: "CN=shop.example.com", certIssuer: "CN=R11" };
    expect(renderAlert(tls).subject).toBe("[Hopwatch] TLS certificate expires in 8 days: Checkout API");

    const flapping = input({ event: "FLAPPING", incident: null, check: null });
    flapping.alert.payload = { changes: 5, since: openedAt.toISOString() };
    expect(renderAlert(flapping).subject).toBe("[Hopwatch] FLAPPING: Checkout API — 5 state changes in 30 min");
    expect(renderAlert(flapping).text).toContain("until it has been stable for 30 minutes");
  });

  it("escapes everything that reaches HTML", () => {
    const base = input();
    const rendered = renderAlert({ ...base, monitor: { ...base.monitor!, name: `<script>alert("x")</script>` } });
    expect(rendered.html).not.toContain("<script>");
    expect(rendered.html).toContain("&lt;script&gt;");
    expect(escapeHtml(`a&b"'<>`)).toBe("a&amp;b&quot;&#39;&lt;&gt;");
  });

  it("the webhook JSON has a Slack-compatible text field and the diagnosis", () => {
    const { json } = renderAlert(input());
    expect(json).toMatchObject({
      event: "DOWN",
      idempotencyKey: "incident:i1:DOWN:c1",
      text: expect.stringContaining("*[Hopwatch] DOWN: Checkout API — 502 Bad Gateway from nginx (upstream refused)*"),
      diagnosis: { headline: "502 Bad Gateway from nginx (upstream refused)", hop: "upstream", gateway: { name: "nginx" } },
      incident: { id: "i1", link: "https://hopwatch.example.com/incidents/i1" },
    });
  });

  it("formats durations", () => {
    expect([45, 60, 720, 3600, 3900, 86_400, 97_200].map(formatAlertDuration)).toEqual(["45 s", "1 min", "12 min", "1 h", "1 h 5 min", "1 d", "1 d 3 h"]);
  });
});

describe("webhook signing", () => {
  it("signs the raw body with HMAC-SHA256 and puts the header timestamp in the body", () => {
    const now = new Date("2026-11-22T10:00:00.000Z");
    const { body, headers } = webhookRequest({ json: { event: "DOWN" }, idempotencyKey: "k1", event: "DOWN", secret: "s3cret", now });
    expect(JSON.parse(body)).toEqual({ event: "DOWN", timestamp: 1795341600 });
    expect(headers["x-hopwatch-timestamp"]).toBe("1795341600");
    expect(headers["x-hopwatch-delivery"]).toBe("k1");
    // Known answer: printf '%s' '{"event":"DOWN","timestamp":1795341600}' | openssl dgst -sha256 -hmac s3cret
    expect(headers["x-hopwatch-signature"]).toBe("sha256=03868bb4283d621685e48b8bc1ea6d277ba889204eb82b80c476c0e50ed00ce0");
    expect(signWebhookBody("s3cret", body)).toBe(headers["x-hopwatch-signature"]);
    expect(verifyWebhookSignature("s3cret", body, headers["x-hopwatch-signature"])).toBe(true);
    expect(verifyWebhookSignature("other", body, headers["x-hopwatch-signature"])).toBe(false);
    expect(verifyWebhookSignature("s3cret", body.replace("DOWN", "UP"), headers["x-hopwatch-signature"])).toBe(false);
  });

  it("sends no signature without a secret", () => {
    const { headers } = webhookRequest({ json: {}, idempotencyKey: "k", event: "TEST", secret: null, now: new Date() });
    expect(headers["x-hopwatch-signature"]).toBeUndefined();
  });
});

describe("SMTP errors", () => {
  it("keep the code, the message and the server's reply", () => {
    expect(smtpErrorText(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:2525"), { code: "ESOCKET" }))).toBe("ESOCKET: connect ECONNREFUSED 127.0.0.1:2525");
    expect(smtpErrorText(Object.assign(new Error("Can't send mail - all recipients were rejected"), { code: "EENVELOPE", response: "550 5.1.1 No such user", command: "RCPT TO" }))).toBe(
      "EENVELOPE: Can't send mail - all recipients were rejected (server replied to RCPT TO: 550 5.1.1 No such user)",
    );
  });
});
