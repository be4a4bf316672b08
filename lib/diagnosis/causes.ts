/** The only causes a diagnosis may name, ranked per diagnosis. */
export const PROBABLE_CAUSE_IDS = [
  "upstream_down",
  "upstream_slow",
  "gateway_routing",
  "network_path",
  "dns",
  "tls",
  "application_error",
  "security_or_rate_limit",
  "request_mapping",
] as const;

export type ProbableCause = (typeof PROBABLE_CAUSE_IDS)[number];

export const PROBABLE_CAUSE_LABELS: Record<ProbableCause, string> = {
  upstream_down: "upstream down",
  upstream_slow: "upstream overloaded or slow",
  gateway_routing: "gateway misconfiguration or routing",
  network_path: "network path",
  dns: "DNS",
  tls: "TLS",
  application_error: "application error",
  security_or_rate_limit: "security layer or rate limit",
  request_mapping: "request/parameter mapping",
};

/** Gateway-agnostic check per cause, used when no product-specific advice exists. */
export const CAUSE_STEPS: Record<ProbableCause, string> = {
  upstream_down:
    "check that the upstream service is running and listening on the expected port (process or container status, crash and deploy logs)",
  upstream_slow:
    "check the upstream's latency, CPU/memory and saturation (worker count, DB connection pool) around the failure time",
  gateway_routing:
    "check the gateway's upstream address, port, scheme (http vs https) and timeouts against where the app actually listens",
  network_path:
    "check firewalls, security groups and routes between the gateway and the upstream, and from the monitor to the host",
  dns: "compare the resolved addresses with the expected ones (dig +trace <host>) and look for a recent DNS change",
  tls: "inspect the certificate chain actually served: openssl s_client -connect <host>:443 -servername <host>",
  application_error: "check the application's error logs and recent deploys for exceptions at the failure time",
  security_or_rate_limit:
    "check WAF, auth and rate-limit rules against the monitor's requests; allow-list the monitor's IPs or send the credentials it needs",
  request_mapping:
    "check the monitored URL, method, headers and body against what the route expects (path prefix, trailing slash, size limits)",
};
