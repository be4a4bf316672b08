/**
 * Product-specific knowledge for next steps: where each gateway logs the reason for a failure
 * and which setting bounds how long it waits for its upstream.
 */
import type { ProbableCause } from "./causes";
import type { GatewayName } from "./gateways";

export interface GatewayTimeout {
  seconds: number;
  /** What to raise; null when the limit is fixed. */
  setting: string | null;
}

/** Documented defaults; a 504 arriving after about this long means the upstream hit the limit. */
export const GATEWAY_TIMEOUTS: Partial<Record<GatewayName, GatewayTimeout>> = {
  nginx: { seconds: 60, setting: "proxy_read_timeout" },
  openresty: { seconds: 60, setting: "proxy_read_timeout" },
  apache: { seconds: 60, setting: "ProxyTimeout" },
  envoy: { seconds: 15, setting: "the route timeout" },
  varnish: { seconds: 60, setting: "first_byte_timeout" },
  cloudflare: { seconds: 100, setting: "the proxy read timeout (Enterprise plans only)" },
  "aws-alb": { seconds: 60, setting: "the load balancer idle timeout" },
  "aws-cloudfront": { seconds: 30, setting: "the origin response timeout" },
  "aws-api-gateway": { seconds: 29, setting: "the integration timeout" },
  google: { seconds: 30, setting: "the backend service timeout" },
  fastly: { seconds: 15, setting: "first_byte_timeout" },
  "azure-app-gateway": { seconds: 20, setting: "the backend settings request timeout" },
  heroku: { seconds: 30, setting: null },
  kong: { seconds: 60, setting: "the service read_timeout" },
};

type Tips = Partial<Record<ProbableCause, string>>;

const NGINX_TIPS: Tips = {
  upstream_down:
    'nginx error.log "connect() failed (111: Connection refused) while connecting to upstream" means nothing listens at the proxy_pass/upstream address: start the app or fix its host:port',
  upstream_slow:
    'nginx error.log "upstream timed out (110: Connection timed out) while reading response header from upstream": speed up the endpoint or raise proxy_read_timeout (default 60 s)',
  gateway_routing:
    "check the proxy_pass URL and upstream block (host, port, http vs https); nginx resolves upstream hostnames only at startup unless a resolver is set, so reload it after the app moves",
  application_error:
    'nginx error.log "upstream prematurely closed connection" or "upstream sent too big header": the app crashed mid-response or sent oversized headers (raise proxy_buffer_size)',
  network_path:
    'nginx error.log "No route to host" or connect timeouts towards the upstream: check firewalls and security groups between nginx and the app',
};

const ENVOY_TIPS: Tips = {
  upstream_down:
    "Envoy access-log flags UF (upstream connection failure) or UH (no healthy upstream), or response details upstream_reset_before_response_started{connection_failure}: check the cluster's endpoints and health (istioctl proxy-config endpoints, or the admin /clusters page)",
  upstream_slow: "access-log flag UT (upstream request timeout): speed up the service or raise the route timeout (Envoy default 15 s)",
  gateway_routing:
    "flag NR (no route) or traffic sent to the wrong cluster/port: check the route config (Istio VirtualService/DestinationRule) and mTLS mode; flag UC with upstream_reset_before_response_started{connection_termination} means the app closes keep-alive connections first, so make its idle timeout longer than Envoy's",
  application_error:
    "response details with protocol_error: the service speaks HTTP/1 where HTTP/2 or gRPC is expected (or vice versa): check the port's declared protocol",
};

export const GATEWAY_TIPS: Partial<Record<GatewayName, Tips>> = {
  nginx: NGINX_TIPS,
  openresty: NGINX_TIPS,
  apache: {
    upstream_down:
      'Apache error_log "AH00957: HTTP: attempt to connect to … failed" means the ProxyPass backend is not listening: start it or fix the ProxyPass target',
    upstream_slow:
      'Apache error_log "The timeout specified has expired": speed up the backend or raise ProxyTimeout (defaults to Timeout, 60 s)',
    gateway_routing:
      'check ProxyPass/ProxyPassReverse targets and that mod_proxy_http (or proxy_fcgi) is loaded; "AH01102: error reading status line from remote server" after idle periods means the backend drops keep-alive connections first, so set ttl= below its keep-alive timeout',
    application_error: 'Apache "Error reading from remote server": the backend closed the connection mid-request, so check its logs for crashes',
  },
  haproxy: {
    upstream_down:
      'HAProxy log termination state "SC--" means the server refused or failed the connection; "show stat" on the stats socket shows it DOWN with L4CON/L4TOUT',
    upstream_slow: 'termination state "sH--": the server sent no headers within "timeout server", so speed up the backend or raise that timeout',
    gateway_routing:
      'check the backend\'s "server" lines (address, port, ssl) and the "option httpchk" path; 503 "No server is available" means every server in the backend is DOWN',
    application_error:
      'termination state "SH--" (server aborted) or "PH--" (HAProxy rejected invalid response headers): check the backend\'s logs and the headers it sends',
  },
  envoy: ENVOY_TIPS,
  istio: ENVOY_TIPS,
  traefik: {
    upstream_down:
      "Traefik answers 502 when it cannot dial the service: check the service URL/port (loadbalancer.server.port) and that the container shares a network with Traefik",
    upstream_slow: "check serversTransport forwardingTimeouts (responseHeaderTimeout) and the entryPoint respondingTimeouts, or speed up the service",
    gateway_routing: "check the router rule and the service it points to; the Traefik dashboard flags routers and services in error",
  },
  caddy: {
    upstream_down:
      'Caddy logs "dial tcp …: connect: connection refused" for the reverse_proxy upstream: start the app or fix the upstream address',
    upstream_slow: "speed up the upstream, or set reverse_proxy transport http { response_header_timeout } deliberately",
    gateway_routing: "check the reverse_proxy upstream address and scheme (a TLS upstream needs https:// or transport http { tls })",
  },
  varnish: {
    upstream_down:
      'varnishlog -g request -q "FetchError" shows why the fetch failed (e.g. "Connection refused", backend sick): check the backend .host/.port and its probe',
    upstream_slow: 'FetchError "first byte timeout": speed up the backend or raise .first_byte_timeout (default 60 s)',
    gateway_routing: 'check backend definitions and the director: "no backend connection" means every backend is sick or max_connections is reached',
  },
  squid: {
    upstream_down: "X-Squid-Error ERR_CONNECT_FAIL 111: the origin refused the proxy's connection, so start it or fix the target port",
    upstream_slow: "ERR_READ_TIMEOUT: the origin is slower than Squid's read_timeout (default 15 min)",
    gateway_routing: "check cache_peer and never_direct rules, and the proxy host's own DNS (ERR_DNS_FAIL)",
    network_path: "ERR_CONNECT_FAIL 110: the proxy could not reach the origin, so check routes and firewalls from the proxy host",
  },
  cloudflare: {
    upstream_down:
      "Cloudflare 521: the origin refused Cloudflare's connection, so start the web server and make sure its firewall allows Cloudflare's IP ranges",
    network_path:
      "Cloudflare 522 (TCP to the origin timed out) or 523 (origin unreachable): check the origin IP in the Cloudflare DNS record, its routing and firewall",
    upstream_slow: "Cloudflare 524: the origin accepted the connection but sent nothing within 100 s, so move long work to a background job",
    tls: "Cloudflare 525/526: the TLS handshake with the origin failed or its certificate is invalid under Full (strict), so fix the origin certificate or the SSL mode",
    application_error:
      "Cloudflare 520: the origin sent an empty or malformed response (crash, reset, or headers over 16 KB): search the origin logs around the Ray ID",
    security_or_rate_limit:
      "look up the Ray ID under Security → Events to find the WAF, bot or rate-limit rule that blocked the monitor, and add a skip rule for it",
  },
  "aws-alb": {
    upstream_down:
      "check the target group's Targets tab for health status and reason (Target.FailedHealthChecks, Target.Timeout); an ALB 503 means no healthy registered targets",
    upstream_slow:
      "ALB 504: the target did not answer within the idle timeout (default 60 s) or no connection opened within 10 s, so speed up the target or raise idle_timeout.timeout_seconds",
    gateway_routing:
      "check that the listener rules forward to the right target group and port and that security groups allow ALB → target; intermittent ALB 502s mean targets close keep-alive connections first, so set the app's keep-alive timeout above the ALB idle timeout (Node: server.keepAliveTimeout > 60000)",
    application_error:
      "the ALB access log's target_status_code and error_reason fields show whether the target reset the connection or sent a malformed response",
    security_or_rate_limit: "an AWS WAF web ACL on the ALB may block the monitor: check its sampled requests",
  },
  "aws-cloudfront": {
    upstream_down:
      "\"CloudFront wasn't able to connect to the origin\": check the origin domain, port and protocol policy, and that the origin accepts CloudFront (security group or origin-facing prefix list)",
    upstream_slow: "CloudFront 504: the origin exceeded the origin response timeout (default 30 s), so speed it up or raise the timeout in the origin settings",
    tls: "CloudFront needs a publicly trusted origin certificate that matches the origin domain (or the Host header it forwards)",
    gateway_routing: "check the cache behaviour's path pattern and allowed HTTP methods, and which origin it points to",
    security_or_rate_limit: 'CloudFront "Request blocked": an AWS WAF rule or geo restriction matched the monitor',
  },
  "aws-api-gateway": {
    upstream_slow: 'API Gateway\'s integration timeout defaults to 29 s ("Endpoint request timed out"): speed up the integration or make it asynchronous',
    application_error:
      "API Gateway 502 with a Lambda proxy integration means the function threw or returned a malformed response (it needs statusCode and a string body): check its CloudWatch logs",
    gateway_routing: 'check the integration URI, stage and route/method mapping ("Missing Authentication Token" usually means no such route)',
    security_or_rate_limit: "check the authorizer, API keys and the usage plan's throttling limits",
  },
  google: {
    upstream_down:
      'the load balancer\'s Cloud Logging entries carry statusDetails such as "failed_to_pick_backend" or "failed_to_connect_to_backend": check the backend service health checks and the firewall rule for the health-check ranges',
    upstream_slow: 'statusDetails "backend_timeout": the backend exceeded the backend service timeout (default 30 s), so raise it or speed up the backend',
    gateway_routing:
      'statusDetails "backend_connection_closed_before_data_sent_to_client": the backend\'s keep-alive timeout is shorter than the load balancer\'s (600 s), so raise it above 620 s; also check the URL map',
    application_error: "Cloud Run / App Engine: check the service's request logs for crashes and failed cold starts",
  },
  fastly: {
    upstream_down: 'Fastly 503 "Backend is unhealthy" or "connection refused": check the origin host/port and its health check in the service configuration',
    upstream_slow: 'Fastly 503 "first byte timeout": speed up the origin or raise first_byte_timeout (default 15 s)',
    gateway_routing: '"Fastly error: unknown domain": the domain is not attached to an active service version',
    tls: "Fastly TLS errors to the origin: check the origin certificate and the certificate hostname/SNI set on the backend",
  },
  akamai: {
    upstream_down: "translate the Reference # with Akamai's Error Translator: a failed connect to origin means the origin refused or is down",
    upstream_slow: "translate the Reference # with the Error Translator: a read timeout means the origin is slower than the property's origin timeout",
    gateway_routing: "translate the Reference # with the Error Translator (Akamai Control Center diagnostic tools) and check the property's origin hostname and forward Host header",
    security_or_rate_limit: 'Akamai "Access Denied" comes from a WAF or bot rule: translate the Reference # to find the rule',
  },
  "azure-front-door": {
    upstream_down: "look up the x-azure-ref in the Front Door access log, and check the origin group's health probes and that the origin answers for the configured host header",
    upstream_slow: "speed up the origin or raise the Front Door origin response timeout",
    gateway_routing: "check the route's origin group, origin host header and forwarding protocol",
  },
  "azure-app-gateway": {
    upstream_down:
      "open Backend health: an Unhealthy backend (probe failing, or an NSG/UDR blocking the subnet) makes Application Gateway answer 502",
    upstream_slow: "the backend settings request timeout defaults to 20 s: speed up the backend or raise it",
    gateway_routing: "check the health probe's path and host and the backend pool (an empty pool also gives 502)",
    security_or_rate_limit: "a WAF policy rule blocked the monitor: check the ApplicationGatewayFirewallLog",
  },
  heroku: {
    upstream_down: "heroku logs --tail: H10 (app crashed), H13 (connection closed without response) or H14 (no web dynos running) names the cause",
    upstream_slow: "H12 request timeout: the router gives the app 30 s to send its first byte, so move slow work to a background worker",
    gateway_routing: 'the "no-such-app" page means the domain is not attached to any app: check heroku domains',
    application_error: "H10/H13 follow an app crash: check the boot and release logs",
  },
  vercel: {
    application_error:
      "x-vercel-error NO_RESPONSE_FROM_FUNCTION or FUNCTION_INVOCATION_FAILED: the function crashed or never responded, so check its runtime logs",
    upstream_slow: "FUNCTION_INVOCATION_TIMEOUT: the function exceeded its maxDuration, so speed it up or raise maxDuration",
    gateway_routing: "DEPLOYMENT_NOT_FOUND or ROUTER_CANNOT_MATCH: check the domain's deployment and the rewrites in vercel.json",
    upstream_down: "ROUTER_EXTERNAL_TARGET_CONNECTION_ERROR: the rewrite's external target refused or could not be reached",
  },
  kong: {
    upstream_down:
      "check the Kong service and upstream targets (Admin API GET /upstreams/{name}/health) and that the service host:port is reachable from the Kong nodes",
    upstream_slow: '"The upstream server is timing out": speed up the upstream or raise the service read_timeout (default 60000 ms)',
    gateway_routing: '"no Route matched with those values": check the route\'s paths, hosts and methods; "name resolution failed": Kong cannot resolve the service host',
    security_or_rate_limit: "a Kong plugin (key-auth, acl, rate-limiting) rejected the monitor: check the plugins on the route and consumer",
  },
  iis: {
    upstream_down:
      "ARR 502.3 with 0x80072efd: ARR cannot connect to the backend, so check the server farm's health; ANCM 502.5: the app process failed to start (enable stdoutLogEnabled)",
    upstream_slow: "ARR 502.3 with 0x80072ee2: the backend timed out, so speed it up or raise the server farm's proxy timeout",
    gateway_routing: "check the URL Rewrite rule and the server farm targets (host, port, http vs https)",
  },
};
