/**
 * The failure taxonomy. Every check records exactly one of these; `NONE` means success.
 * The same names are a Prisma enum (prisma/schema.prisma), so keep the two lists identical.
 */
export const ERROR_KINDS = [
  "NONE",
  "HTTP_502",
  "HTTP_503",
  "HTTP_504",
  "HTTP_5XX",
  "HTTP_4XX",
  "HTTP_UNEXPECTED_STATUS",
  "DNS_NXDOMAIN",
  "DNS_FAILURE",
  "CONNECT_REFUSED",
  "CONNECT_TIMEOUT",
  "CONNECTION_RESET",
  "TLS_CERT_EXPIRED",
  "TLS_CERT_UNTRUSTED",
  "TLS_HOSTNAME_MISMATCH",
  "TLS_HANDSHAKE",
  "RESPONSE_TIMEOUT",
  "BODY_TIMEOUT",
  "INVALID_RESPONSE",
  "ASSERTION_FAILED",
  "UNKNOWN",
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export const ERROR_KIND_LABELS: Record<ErrorKind, string> = {
  NONE: "OK",
  HTTP_502: "502 Bad Gateway",
  HTTP_503: "503 Service Unavailable",
  HTTP_504: "504 Gateway Timeout",
  HTTP_5XX: "Server error (5xx)",
  HTTP_4XX: "Client error (4xx)",
  HTTP_UNEXPECTED_STATUS: "Unexpected status",
  DNS_NXDOMAIN: "DNS: no such domain",
  DNS_FAILURE: "DNS lookup failed",
  CONNECT_REFUSED: "Connection refused",
  CONNECT_TIMEOUT: "Connect timeout",
  CONNECTION_RESET: "Connection reset",
  TLS_CERT_EXPIRED: "TLS certificate expired",
  TLS_CERT_UNTRUSTED: "TLS certificate untrusted",
  TLS_HOSTNAME_MISMATCH: "TLS hostname mismatch",
  TLS_HANDSHAKE: "TLS handshake failed",
  RESPONSE_TIMEOUT: "No response in time",
  BODY_TIMEOUT: "Body timeout",
  INVALID_RESPONSE: "Invalid HTTP response",
  ASSERTION_FAILED: "Keyword assertion failed",
  UNKNOWN: "Unknown error",
};
