import pino from "pino";

// JSON lines for machines; set LOG_LEVEL=debug for more.
export const logger = pino({ level: process.env.LOG_LEVEL || "info", base: { pid: process.pid } });
