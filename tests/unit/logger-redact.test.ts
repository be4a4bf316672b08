// Secrets never reach the logs: tokens, passwords, cookies and monitor headers are redacted
// wherever they sit in a log object, and URLs lose their credentials but keep their host.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(stream), text: () => lines.join("") };
}

const SECRET = "s3cr3t-value-that-must-not-leak";

describe("logger redaction", () => {
  it("redacts secrets at every depth and keeps the rest", () => {
    const { logger, text } = capture();
    logger.info(
      {
        authorization: `Bearer ${SECRET}`,
        password: SECRET,
        req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `session=${SECRET}` }, cookie: SECRET },
        monitor: { id: "m-1", name: "Checkout", headers: { "X-Api-Key": SECRET }, encryptedHeaders: SECRET },
        body: { currentPassword: SECRET, newPassword: SECRET, token: SECRET },
        channel: { secret: SECRET, apiKey: SECRET },
        deep: { a: { b: { password: SECRET, "set-cookie": SECRET, "x-api-key": SECRET } } },
        smtpUrl: `smtps://alerts:${SECRET}@smtp.example.com:465`,
        config: { SMTP_URL: `smtp://user:${SECRET}@mail.example.com:587`, DATABASE_URL: `postgresql://hopwatch:${SECRET}@db:5432/hopwatch` },
        target: { url: `https://admin:${SECRET}@api.example.com/health` },
      },
      "something happened",
    );
    const output = text();
    expect(output).not.toContain(SECRET);
    expect(output).toContain("something happened");
    expect(output).toContain('"id":"m-1"');
    expect(output).toContain('"name":"Checkout"');
    expect(output).toContain("smtp.example.com:465");
    expect(output).toContain("https://[Redacted]@api.example.com/health");
  });

  it("redacts secrets carried by a logged error", () => {
    const { logger, text } = capture();
    const error = Object.assign(new Error("delivery failed"), { headers: { authorization: SECRET }, config: { password: SECRET } });
    logger.error({ err: error }, "failed");
    expect(text()).toContain("delivery failed");
    expect(text()).not.toContain(SECRET);
  });
});
