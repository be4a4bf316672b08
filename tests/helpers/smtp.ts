// A real SMTP server on loopback (the smtp-server package) that keeps every message it accepts,
// with a small MIME reader for what nodemailer sends: encoded-word headers, multipart bodies,
// quoted-printable and base64 parts.
import { SMTPServer } from "smtp-server";

export type ReceivedMail = {
  from: string;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  receivedAt: number;
};

export type TestSmtpServer = { port: number; messages: ReceivedMail[]; close: () => Promise<void> };

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"),
    );
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? "").toLowerCase()) {
    case "quoted-printable":
      return Buffer.from(
        body.replace(/=\r\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        "latin1",
      ).toString("utf8");
    case "base64":
      return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    default:
      return Buffer.from(body, "latin1").toString("utf8");
  }
}

/** The text/plain and text/html parts of a (possibly multipart) entity. */
function parts(headers: Record<string, string>, body: string): { text: string; html: string } {
  const type = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith("multipart/") && boundary) {
    const found = { text: "", html: "" };
    for (const section of body.split(`--${boundary}`).slice(1)) {
      if (section.startsWith("--")) break;
      const split = section.replace(/^\r\n/, "").indexOf("\r\n\r\n");
      const trimmed = section.replace(/^\r\n/, "");
      const inner = parts(parseHeaders(trimmed.slice(0, split)), trimmed.slice(split + 4).replace(/\r\n$/, ""));
      found.text ||= inner.text;
      found.html ||= inner.html;
    }
    return found;
  }
  const decoded = decodeBody(body, headers["content-transfer-encoding"]);
  return type.toLowerCase().startsWith("text/html") ? { text: "", html: decoded } : { text: decoded.replace(/\r\n/g, "\n"), html: "" };
}

export function parseMail(raw: string): Pick<ReceivedMail, "headers" | "subject" | "messageId" | "text" | "html"> {
  const split = raw.indexOf("\r\n\r\n");
  const headers = parseHeaders(raw.slice(0, split));
  const { text, html } = parts(headers, raw.slice(split + 4));
  return { headers, subject: headers.subject ?? "", messageId: headers["message-id"] ?? "", text, html };
}

/**
 * Listens on `port` (0: any free one) on 127.0.0.1. While `refuse` returns a reply text, every
 * message is turned away after DATA with a temporary failure (451) and not kept.
 */
export async function startSmtpServer(port = 0, refuse: () => string | null = () => null): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const refusal = refuse();
        if (refusal) return callback(Object.assign(new Error(refusal), { responseCode: 451 }));
        const raw = Buffer.concat(chunks).toString("latin1");
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          receivedAt: Date.now(),
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as { port: number };
  return { port: address.port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
