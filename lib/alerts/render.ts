// What an alert says: subject, plain text, HTML and the webhook's JSON, from the alert and the
// current data of its monitor, incident and failing check. Pure: the dispatcher loads the data
// (lib/alerts/load.ts) and renders when it sends, so a DOWN alert carries the diagnosis that was
// stored a few seconds after the incident opened.
import { GATEWAY_DISPLAY_NAMES, type GatewayName } from "../diagnosis/gateways";
import { PROBABLE_CAUSE_LABELS, type ProbableCause } from "../diagnosis/causes";
import { HOP_LABELS, type Hop } from "../diagnosis/diagnose";
import { ERROR_KIND_LABELS, type ErrorKind } from "../probes/error-kinds";
import type { Timings } from "../probes/types";

export type AlertEventName = "DOWN" | "RESOLVED" | "REMINDER" | "TLS_EXPIRING" | "FLAPPING" | "TEST";

/** The parts of a stored diagnosis (lib/incidents/diagnose-incident.ts) an alert uses. */
export type AlertDiagnosis = {
  headline: string;
  summary: string;
  hop: string;
  persistence?: string;
  gateway: { name: GatewayName | "unknown"; confidence: number; evidence: string[] };
  probableCauses: ProbableCause[];
  nextSteps: string[];
  evidence?: { statusLine: string | null } | null;
};

export type AlertRenderInput = {
  alert: { id: string; idempotencyKey: string; event: AlertEventName; sequence: number; payload: Record<string, unknown>; createdAt: Date };
  channel: { name: string };
  monitor: { id: string; name: string; url: string; method: string; type: string } | null;
  incident: {
    id: string;
    status: "OPEN" | "RESOLVED";
    cause: ErrorKind;
    lastErrorKind: ErrorKind;
    openedAt: Date;
    resolvedAt: Date | null;
    durationSeconds: number | null;
    diagnosis: AlertDiagnosis | null;
  } | null;
  /** The check that confirmed the incident (the diagnosed one when there is a diagnosis). */
  check: ({
    startedAt: Date;
    errorKind: ErrorKind;
    httpStatus: number | null;
    message: string | null;
    remoteIp: string | null;
  } & Timings) | null;
  reminderMinutes: number;
  /** publicUrl(): links point there. */
  baseUrl: string;
};

export type RenderedAlert = {
  subject: string;
  text: string;
  html: string;
  /** The webhook body, without the delivery timestamp the channel adds. */
  json: Record<string, unknown>;
};


type Block =
  | { kind: "lead"; text: string }
  | { kind: "fields"; rows: Array<[string, string]> }
  | { kind: "section"; title: string; paragraphs?: string[]; items?: string[]; ordered?: boolean }
  | { kind: "link"; label: string; url: string };

export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "45 s", "12 min", "2 h 5 min", "3 d 4 h". */
export function formatAlertDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

function ms(value: number | null): string {
  return value === null ? "—" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function gatewayText(diagnosis: AlertDiagnosis): string {
  const { gateway } = diagnosis;
  if (gateway.name === "unknown") return "not identified";
  const evidence = gateway.evidence.length > 0 ? `: ${gateway.evidence.slice(0, 2).join("; ")}` : "";
  return `${GATEWAY_DISPLAY_NAMES[gateway.name]} (${Math.round(gateway.confidence * 100)}% confidence${evidence})`;
}

/** "502 Bad Gateway from nginx (upstream refused)" when diagnosed, else the error kind's label. */
function headline(incident: NonNullable<AlertRenderInput["incident"]>): string {
  return incident.diagnosis?.headline ?? ERROR_KIND_LABELS[incident.cause];
}

function incidentUrl(input: AlertRenderInput): string | null {
  return input.incident ? `${input.baseUrl}/incidents/${input.incident.id}` : null;
}

function monitorUrl(input: AlertRenderInput): string | null {
  return input.monitor ? `${input.baseUrl}/monitors/${input.monitor.id}` : null;
}

function monitorFields(input: AlertRenderInput): Array<[string, string]> {
  if (!input.monitor) return [];
  const { monitor } = input;
  return [
    ["Monitor", monitor.name],
    ["URL", monitor.type === "HTTP" ? `${monitor.method} ${monitor.url}` : monitor.url],
  ];
}

/** The outage in detail: error kind, hop, gateway, diagnosis, next steps, timings. */
function outageBlocks(input: AlertRenderInput, incident: NonNullable<AlertRenderInput["incident"]>): Block[] {
  const { diagnosis } = incident;
  const rows: Array<[string, string]> = [
    ...monitorFields(input),
    ["Error kind", `${incident.cause} (${ERROR_KIND_LABELS[incident.cause]})`],
  ];
  if (incident.lastErrorKind !== incident.cause) rows.push(["Now failing with", `${incident.lastErrorKind} (${ERROR_KIND_LABELS[incident.lastErrorKind]})`]);
  rows.push(["Down since", formatTime(incident.openedAt)]);
  if (diagnosis) {
    rows.push(["Failing hop", HOP_LABELS[diagnosis.hop as Hop] ?? diagnosis.hop]);
    rows.push(["Gateway", gatewayText(diagnosis)]);
    if (diagnosis.probableCauses.length > 0) rows.push(["Probable cause", diagnosis.probableCauses.map((cause) => PROBABLE_CAUSE_LABELS[cause] ?? cause).join("; ")]);
  }
  const blocks: Block[] = [{ kind: "fields", rows }];
  if (diagnosis) {
    blocks.push({ kind: "section", title: "Diagnosis", paragraphs: [diagnosis.summary] });
    if (diagnosis.nextSteps.length > 0) blocks.push({ kind: "section", title: "Next steps", items: diagnosis.nextSteps, ordered: true });
  } else {
    blocks.push({ kind: "section", title: "Diagnosis", paragraphs: ["Not available yet: the follow-up probes had not finished when this alert was sent. The incident page shows it once they have."] });
  }
  const { check } = input;
  if (check) {
    const status = diagnosis?.evidence?.statusLine ?? (check.httpStatus !== null ? `HTTP ${check.httpStatus}` : null);
    const message = check.message && !(status ?? "").includes(check.message) ? check.message : null;
    const what = [status, message, check.remoteIp ? `from ${check.remoteIp}` : null].filter((part): part is string => Boolean(part));
    blocks.push({
      kind: "section",
      title: `Failing check at ${formatTime(check.startedAt)}`,
      paragraphs: [
        what.join(" · "),
        `Timings: DNS ${ms(check.dnsMs)} · connect ${ms(check.connectMs)} · TLS ${ms(check.tlsMs)} · first byte ${ms(check.ttfbMs)} · transfer ${ms(check.transferMs)} · total ${ms(check.totalMs)}`,
      ].filter((line) => line.length > 0),
    });
  }
  return blocks;
}

type Composed = { subject: string; lead: string; blocks: Block[]; link: { label: string; url: string } | null; summary: string };

function compose(input: AlertRenderInput): Composed {
  const name = input.monitor?.name ?? "(deleted monitor)";
  const { incident, alert } = input;
  const payload = alert.payload;
  switch (alert.event) {
    case "DOWN": {
      if (!incident) break;
      const what = headline(incident);
      return {
        subject: `[Hopwatch] DOWN: ${name} — ${what}`,
        lead: `${name} is DOWN: ${what}.`,
        blocks: outageBlocks(input, incident),
        link: { label: "Incident", url: incidentUrl(input)! },
        summary: incident.diagnosis?.summary ?? ERROR_KIND_LABELS[incident.cause],
      };
    }
    case "RESOLVED": {
      if (!incident) break;
      const duration = formatAlertDuration(incident.durationSeconds ?? ((incident.resolvedAt ?? alert.createdAt).getTime() - incident.openedAt.getTime()) / 1000);
      const rows: Array<[string, string]> = [
        ...monitorFields(input),
        ["Down for", duration],
        ["Down since", formatTime(incident.openedAt)],
        ["Recovered at", incident.resolvedAt ? formatTime(incident.resolvedAt) : "—"],
        ["Cause", headline(incident)],
      ];
      return {
        subject: `[Hopwatch] RESOLVED: ${name} — down ${duration}`,
        lead: `${name} is back UP after ${duration} down.`,
        blocks: [{ kind: "fields", rows }, ...(incident.diagnosis ? [{ kind: "section", title: "What the diagnosis said", paragraphs: [incident.diagnosis.summary] } as Block] : [])],
        link: { label: "Incident", url: incidentUrl(input)! },
        summary: `Recovered after ${duration} down (${headline(incident)}).`,
      };
    }
    case "REMINDER": {
      if (!incident) break;
      const dueAt = typeof payload.dueAt === "string" ? new Date(payload.dueAt) : alert.createdAt;
      const downFor = formatAlertDuration((dueAt.getTime() - incident.openedAt.getTime()) / 1000);
      const what = headline(incident);
      const every = input.reminderMinutes > 0 ? `Hopwatch reminds you every ${formatAlertDuration(input.reminderMinutes * 60)} while it stays down.` : "Reminders are now off.";
      return {
        subject: `[Hopwatch] STILL DOWN: ${name} — ${what}, down ${downFor}`,
        lead: `${name} is still DOWN after ${downFor} (reminder ${alert.sequence}): ${what}. ${every}`,
        blocks: outageBlocks(input, incident),
        link: { label: "Incident", url: incidentUrl(input)! },
        summary: `Still down after ${downFor}: ${incident.diagnosis?.summary ?? ERROR_KIND_LABELS[incident.lastErrorKind]}`,
      };
    }
    case "TLS_EXPIRING": {
      const validTo = new Date(String(payload.validTo));
      const left = Number(payload.daysLeft ?? 0);
      const when = left <= 0 ? "today" : left === 1 ? "in 1 day" : `in ${left} days`;
      return {
        subject: `[Hopwatch] TLS certificate expires ${when}: ${name}`,
        lead: `The TLS certificate of ${name} expires ${when}, on ${formatTime(validTo)}. Renew it before clients start failing with TLS_CERT_EXPIRED.`,
        blocks: [
          {
            kind: "fields",
            rows: [
              ...monitorFields(input),
              ["Expires", formatTime(validTo)],
              ["Subject", String(payload.certSubject ?? "—")],
              ["Issuer", String(payload.certIssuer ?? "—")],
            ],
          },
          { kind: "section", title: "Next steps", items: ["renew the certificate (or check why automatic renewal, e.g. certbot or cert-manager, did not)", "reload the server or gateway that serves it, then check the new expiry date on the monitor page"], ordered: true },
        ],
        link: monitorUrl(input) ? { label: "Monitor", url: monitorUrl(input)! } : null,
        summary: `TLS certificate expires ${when} (${formatTime(validTo)}).`,
      };
    }
    case "FLAPPING": {
      const changes = Number(payload.changes ?? 0);
      return {
        subject: `[Hopwatch] FLAPPING: ${name} — ${changes} state changes in 30 min`,
        lead: `${name} is flapping: it went down or came back ${changes} times in the last 30 minutes.`,
        blocks: [
          { kind: "fields", rows: [...monitorFields(input), ["Flapping since", typeof payload.since === "string" ? formatTime(new Date(payload.since)) : "—"]] },
          {
            kind: "section",
            title: "What happens now",
            paragraphs: [
              "Hopwatch sends no further DOWN, RESOLVED or reminder alerts for this monitor until it has been stable for 30 minutes; the monitor page keeps recording every check.",
              "An intermittent failure like this usually means one bad instance behind a load balancer, a crash-looping process, or a timeout on the edge of the limit.",
            ],
          },
        ],
        link: monitorUrl(input) ? { label: "Monitor", url: monitorUrl(input)! } : null,
        summary: `Flapping: ${changes} state changes in 30 min; alerts paused until stable for 30 min.`,
      };
    }
    case "TEST":
      return {
        subject: `[Hopwatch] Test alert for ${input.channel.name}`,
        lead: `This is a test alert from Hopwatch to ${input.channel.name}. If you can read it, this channel works.`,
        blocks: [{ kind: "fields", rows: [["Sent at", formatTime(alert.createdAt)]] }],
        link: { label: "Notification settings", url: `${input.baseUrl}/settings/notifications` },
        summary: "Test alert: this channel works.",
      };
  }
  return {
    subject: `[Hopwatch] ${alert.event}: ${name}`,
    lead: `${alert.event} alert for ${name}.`,
    blocks: [{ kind: "fields", rows: monitorFields(input) }],
    link: monitorUrl(input) ? { label: "Monitor", url: monitorUrl(input)! } : null,
    summary: `${alert.event}: ${name}`,
  };
}

function footer(input: AlertRenderInput): string {
  return `You get this alert because "${input.channel.name}" is one of your Hopwatch notification channels. Change them at ${input.baseUrl}/settings/notifications`;
}

function textOf(composed: Composed, input: AlertRenderInput): string {
  const out: string[] = [composed.lead, ""];
  for (const block of composed.blocks) {
    if (block.kind === "fields") {
      const width = Math.max(...block.rows.map(([label]) => label.length)) + 2;
      for (const [label, value] of block.rows) out.push(`${`${label}:`.padEnd(width)}${value}`);
      out.push("");
    } else if (block.kind === "section") {
      out.push(block.title);
      for (const paragraph of block.paragraphs ?? []) out.push(paragraph);
      (block.items ?? []).forEach((item, index) => out.push(block.ordered ? `  ${index + 1}. ${item}` : `  - ${item}`));
      out.push("");
    } else if (block.kind === "lead") {
      out.push(block.text, "");
    }
  }
  if (composed.link) out.push(`${composed.link.label}: ${composed.link.url}`, "");
  out.push(`-- `, footer(input));
  return out.join("\n") + "\n";
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function htmlOf(composed: Composed, input: AlertRenderInput): string {
  const color = input.alert.event === "RESOLVED" ? "#15803d" : input.alert.event === "TEST" ? "#4f46e5" : "#b91c1c";
  const parts: string[] = [
    `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#18181b;line-height:1.45">`,
    `<h2 style="margin:0 0 12px;font-size:17px;color:${color}">${escapeHtml(composed.lead)}</h2>`,
  ];
  for (const block of composed.blocks) {
    if (block.kind === "fields") {
      parts.push(`<table style="border-collapse:collapse;margin:0 0 12px">`);
      for (const [label, value] of block.rows) {
        parts.push(`<tr><td style="padding:2px 12px 2px 0;color:#71717a;vertical-align:top;white-space:nowrap">${escapeHtml(label)}</td><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`);
      }
      parts.push(`</table>`);
    } else if (block.kind === "section") {
      parts.push(`<h3 style="margin:12px 0 4px;font-size:14px">${escapeHtml(block.title)}</h3>`);
      for (const paragraph of block.paragraphs ?? []) parts.push(`<p style="margin:0 0 6px">${escapeHtml(paragraph)}</p>`);
      if (block.items && block.items.length > 0) {
        const tag = block.ordered ? "ol" : "ul";
        parts.push(`<${tag} style="margin:0 0 6px;padding-left:20px">${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</${tag}>`);
      }
    } else if (block.kind === "lead") {
      parts.push(`<p>${escapeHtml(block.text)}</p>`);
    }
  }
  if (composed.link) {
    parts.push(`<p style="margin:16px 0"><a href="${escapeHtml(composed.link.url)}" style="background:#4f46e5;color:#fff;padding:6px 12px;border-radius:6px;text-decoration:none">Open ${escapeHtml(composed.link.label.toLowerCase())} in Hopwatch</a></p>`);
  }
  parts.push(`<p style="margin-top:20px;font-size:12px;color:#71717a">${escapeHtml(footer(input))}</p></body></html>`);
  return parts.join("\n");
}

function jsonOf(composed: Composed, input: AlertRenderInput): Record<string, unknown> {
  const { incident, monitor, check, alert } = input;
  const diagnosis = incident?.diagnosis;
  return {
    event: alert.event,
    alertId: alert.id,
    idempotencyKey: alert.idempotencyKey,
    subject: composed.subject,
    // Slack (and Mattermost, Discord's /slack endpoint…) show this field.
    text: `*${composed.subject}*\n${composed.summary}${composed.link ? `\n${composed.link.url}` : ""}`,
    createdAt: alert.createdAt.toISOString(),
    monitor: monitor ? { id: monitor.id, name: monitor.name, url: monitor.url, link: monitorUrl(input) } : null,
    incident: incident
      ? {
          id: incident.id,
          status: incident.status,
          cause: incident.cause,
          lastErrorKind: incident.lastErrorKind,
          openedAt: incident.openedAt.toISOString(),
          resolvedAt: incident.resolvedAt?.toISOString() ?? null,
          durationSeconds: incident.durationSeconds,
          link: incidentUrl(input),
        }
      : null,
    diagnosis: diagnosis
      ? {
          headline: diagnosis.headline,
          summary: diagnosis.summary,
          hop: diagnosis.hop,
          gateway: { name: diagnosis.gateway.name, confidence: diagnosis.gateway.confidence },
          probableCauses: diagnosis.probableCauses,
          nextSteps: diagnosis.nextSteps,
        }
      : null,
    check: check
      ? {
          at: check.startedAt.toISOString(),
          errorKind: check.errorKind,
          httpStatus: check.httpStatus,
          timings: { dnsMs: check.dnsMs, connectMs: check.connectMs, tlsMs: check.tlsMs, ttfbMs: check.ttfbMs, transferMs: check.transferMs, totalMs: check.totalMs },
        }
      : null,
    ...(alert.event === "REMINDER" ? { reminder: alert.sequence } : {}),
    details: alert.payload,
  };
}

export function renderAlert(input: AlertRenderInput): RenderedAlert {
  const composed = compose(input);
  return { subject: composed.subject, text: textOf(composed, input), html: htmlOf(composed, input), json: jsonOf(composed, input) };
}
