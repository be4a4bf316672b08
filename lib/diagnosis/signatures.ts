/**
 * Data tables behind fingerprintGateway(): how each product marks the responses it produces
 * or relays, which servers are applications rather than gateways, and which error texts tell
 * why a gateway failed. Written from each product's documented default error pages/headers.
 */
import type { GatewayName } from "./gateways";

/**
 * What a signal proves:
 * - page:    this product generated this very response (its default error page, or a header
 *            it only sets on responses it produces itself);
 * - server:  the product's Server header — it generated the response unless something shows
 *            it merely relayed an upstream answer;
 * - path:    the product is on the path, but stamps every response it relays (CDN ids, Via,
 *            a Server header it always rewrites), so it says nothing about who failed;
 * - relayed: the product forwarded an answer that came from its upstream.
 */
export type SignalRole = "page" | "server" | "path" | "relayed";

/** One condition; a signature matches when all its conditions hold. */
export type Condition =
  | { header: string | RegExp; value?: RegExp }
  | { body: RegExp }
  | { status: readonly number[] }
  | { emptyBody: true };

export interface Signature {
  gateway: GatewayName;
  role: SignalRole;
  /** Probability-like strength of this signal on its own (combined by noisy-OR). */
  weight: number;
  when: readonly Condition[];
}

const header = (name: string | RegExp, value?: RegExp): Condition => ({ header: name, value });
const server = (value: RegExp): Condition => ({ header: "server", value });
const via = (value: RegExp): Condition => ({ header: "via", value });
const body = (pattern: RegExp): Condition => ({ body: pattern });

const CLOUDFLARE_STATUSES = [520, 521, 522, 523, 524, 525, 526, 530] as const;

export const SIGNATURES: readonly Signature[] = [
  { gateway: "nginx", role: "page", weight: 0.85, when: [body(/<center>nginx(\/[\d.]+)?<\/center>/i)] },
  { gateway: "nginx", role: "server", weight: 0.6, when: [server(/^nginx(\/[\d.]+)?/i)] },

  { gateway: "openresty", role: "page", weight: 0.85, when: [body(/<center>openresty(\/[\d.]+)?<\/center>/i)] },
  { gateway: "openresty", role: "server", weight: 0.6, when: [server(/^openresty(\/[\d.]+)?/i)] },

  { gateway: "apache", role: "page", weight: 0.85, when: [body(/<address>Apache(\/[\d.]+)?[^<]* Server at [^<]+ Port \d+<\/address>/i)] },
  { gateway: "apache", role: "page", weight: 0.7, when: [body(/The proxy server received an invalid response from an upstream server/i)] },
  // "Apache-Coyote" is Tomcat, an application server: the separator after "Apache" excludes it.
  { gateway: "apache", role: "server", weight: 0.6, when: [server(/^Apache(\/[\d.]+)?(\s|$)/i)] },

  // HAProxy sends no Server header by default; its built-in error pages are the tell.
  {
    gateway: "haproxy",
    role: "page",
    weight: 0.85,
    when: [
      body(
        /<h1>50[234] [A-Za-z -]+<\/h1> (The server returned an invalid or incomplete response|No server is available to handle this request|The server didn't respond in time)\./i,
      ),
    ],
  },
  { gateway: "haproxy", role: "server", weight: 0.6, when: [server(/^haproxy/i)] },

  { gateway: "envoy", role: "page", weight: 0.85, when: [body(/upstream connect error or disconnect\/reset before headers/i)] },
  { gateway: "envoy", role: "page", weight: 0.7, when: [body(/^(no healthy upstream|upstream request timeout)$/i)] },
  { gateway: "envoy", role: "server", weight: 0.6, when: [server(/^envoy$/i)] },
  // Envoy sets this only when the upstream produced the response.
  { gateway: "envoy", role: "relayed", weight: 0.5, when: [header("x-envoy-upstream-service-time")] },
  {
    gateway: "envoy",
    role: "path",
    weight: 0.4,
    when: [header(/^x-envoy-(?!upstream-service-time$|peer-metadata|decorator-operation$)/)],
  },

  { gateway: "istio", role: "server", weight: 0.7, when: [server(/^istio-envoy$/i)] },
  { gateway: "istio", role: "path", weight: 0.5, when: [header(/^x-envoy-peer-metadata(-id)?$/)] },
  { gateway: "istio", role: "path", weight: 0.4, when: [header("x-envoy-decorator-operation", /\.svc\.cluster\.local/)] },

  // Traefik answers with the bare status text: weak, since other Go proxies can do the same.
  {
    gateway: "traefik",
    role: "page",
    weight: 0.35,
    when: [{ status: [502, 503, 504] }, body(/^(Bad Gateway|Service Unavailable|Gateway Timeout)$/)],
  },
  { gateway: "traefik", role: "server", weight: 0.6, when: [server(/^traefik/i)] },

  { gateway: "caddy", role: "server", weight: 0.65, when: [server(/^Caddy$/i)] },
  // Caddy's reverse_proxy errors carry no body at all.
  { gateway: "caddy", role: "page", weight: 0.3, when: [server(/^Caddy$/i), { status: [502, 503, 504] }, { emptyBody: true }] },

  { gateway: "varnish", role: "page", weight: 0.6, when: [body(/Guru Meditation:/)] },
  { gateway: "varnish", role: "page", weight: 0.4, when: [body(/XID: \d+/)] },
  { gateway: "varnish", role: "page", weight: 0.5, when: [body(/Varnish cache server/i)] },
  { gateway: "varnish", role: "server", weight: 0.6, when: [server(/^Varnish/i)] },
  { gateway: "varnish", role: "path", weight: 0.5, when: [header("x-varnish")] },
  { gateway: "varnish", role: "path", weight: 0.4, when: [via(/varnish/i)] },

  { gateway: "squid", role: "page", weight: 0.85, when: [header("x-squid-error")] },
  { gateway: "squid", role: "page", weight: 0.85, when: [body(/Generated .{1,80}? by \S+ \(squid(\/[\d.]+)?\)/i)] },
  { gateway: "squid", role: "page", weight: 0.5, when: [body(/ERR_(READ_ERROR|CONNECT_FAIL|READ_TIMEOUT|ZERO_SIZE_OBJECT|DNS_FAIL)/)] },
  { gateway: "squid", role: "server", weight: 0.65, when: [server(/^squid(\/[\d.]+)?/i)] },
  { gateway: "squid", role: "path", weight: 0.5, when: [via(/\(squid(\/[\d.]+)?\)/i)] },
  { gateway: "squid", role: "path", weight: 0.3, when: [header("x-cache-lookup")] },

  { gateway: "cloudflare", role: "page", weight: 0.85, when: [body(/Cloudflare Ray ID:/i)] },
  { gateway: "cloudflare", role: "page", weight: 0.85, when: [body(/<center>cloudflare<\/center>/i)] },
  { gateway: "cloudflare", role: "page", weight: 0.85, when: [body(/Sorry, you have been blocked|Attention Required! \| Cloudflare/i)] },
  // Plain-text variant served to non-browser clients.
  { gateway: "cloudflare", role: "page", weight: 0.75, when: [body(/^error code: \d{3,4}$/i)] },
  { gateway: "cloudflare", role: "page", weight: 0.8, when: [header("cf-mitigated")] },
  // 52x codes are Cloudflare's own vocabulary for origin failures.
  { gateway: "cloudflare", role: "page", weight: 0.5, when: [{ status: CLOUDFLARE_STATUSES }] },
  // Cloudflare rewrites Server on everything it proxies, so it proves presence only.
  { gateway: "cloudflare", role: "path", weight: 0.6, when: [server(/^cloudflare$/i)] },
  { gateway: "cloudflare", role: "path", weight: 0.7, when: [header("cf-ray")] },
  { gateway: "cloudflare", role: "path", weight: 0.4, when: [header("cf-cache-status")] },

  { gateway: "aws-alb", role: "page", weight: 0.85, when: [body(/<center>awselb\/2\.0<\/center>/i)] },
  // ALB stamps awselb/2.0 only on responses it generates itself; targets' headers pass through.
  { gateway: "aws-alb", role: "server", weight: 0.8, when: [server(/^awselb\/2\.0$/i)] },

  { gateway: "aws-cloudfront", role: "page", weight: 0.9, when: [body(/Generated by cloudfront \(CloudFront\)/i)] },
  { gateway: "aws-cloudfront", role: "page", weight: 0.6, when: [body(/The request could not be satisfied/i)] },
  { gateway: "aws-cloudfront", role: "server", weight: 0.6, when: [server(/^CloudFront$/i)] },
  { gateway: "aws-cloudfront", role: "path", weight: 0.7, when: [header("x-amz-cf-id")] },
  { gateway: "aws-cloudfront", role: "path", weight: 0.6, when: [header("x-amz-cf-pop")] },
  { gateway: "aws-cloudfront", role: "path", weight: 0.6, when: [via(/\(CloudFront\)/i)] },
  { gateway: "aws-cloudfront", role: "path", weight: 0.5, when: [header("x-cache", /cloudfront/i)] },

  // API Gateway sets x-amzn-errortype only on errors it produced.
  { gateway: "aws-api-gateway", role: "page", weight: 0.6, when: [header("x-amzn-errortype")] },
  {
    gateway: "aws-api-gateway",
    role: "page",
    weight: 0.5,
    when: [body(/^\{ ?"message" ?: ?"(Internal server error|Endpoint request timed out|Missing Authentication Token)" ?\}$/)],
  },
  { gateway: "aws-api-gateway", role: "path", weight: 0.7, when: [header("x-amz-apigw-id")] },
  { gateway: "aws-api-gateway", role: "path", weight: 0.4, when: [header("x-amzn-requestid")] },
  { gateway: "aws-api-gateway", role: "path", weight: 0.2, when: [header("x-amzn-trace-id")] },

  { gateway: "google", role: "page", weight: 0.85, when: [body(/<title>Error 5\d\d \(Server Error\)!!1<\/title>/)] },
  { gateway: "google", role: "page", weight: 0.5, when: [body(/That[’']s an error\./)] },
  // App Engine / Cloud Run rewrite Server on every response.
  { gateway: "google", role: "path", weight: 0.6, when: [server(/^Google Frontend$/i)] },
  { gateway: "google", role: "path", weight: 0.6, when: [via(/\bgoogle\b/i)] },
  { gateway: "google", role: "path", weight: 0.4, when: [header("x-cloud-trace-context")] },

  { gateway: "fastly", role: "page", weight: 0.9, when: [body(/Fastly error: unknown domain/i)] },
  // Fastly's synthetic pages misspell Varnish's "Guru Meditation".
  { gateway: "fastly", role: "page", weight: 0.75, when: [body(/Guru Mediation:/)] },
  { gateway: "fastly", role: "page", weight: 0.6, when: [body(/Details: cache-[a-z0-9-]+/i)] },
  { gateway: "fastly", role: "path", weight: 0.6, when: [header("x-served-by", /\bcache-[a-z0-9-]+/i)] },
  { gateway: "fastly", role: "path", weight: 0.7, when: [header("x-fastly-request-id")] },
  { gateway: "fastly", role: "path", weight: 0.3, when: [header("x-timer", /^S\d+\.\d+,VS\d+/)] },

  { gateway: "akamai", role: "page", weight: 0.85, when: [body(/Reference&#32;&#35;[0-9a-f]+&#46;/i)] },
  { gateway: "akamai", role: "page", weight: 0.7, when: [body(/errors&#46;edgesuite&#46;net/i)] },
  { gateway: "akamai", role: "page", weight: 0.35, when: [body(/An error occurred while processing your request\./i)] },
  { gateway: "akamai", role: "server", weight: 0.7, when: [server(/^Akamai(GHost|NetStorage)/i)] },
  { gateway: "akamai", role: "path", weight: 0.6, when: [header(/^x-akamai-/)] },
  { gateway: "akamai", role: "path", weight: 0.6, when: [header("akamai-grn")] },
  { gateway: "akamai", role: "path", weight: 0.6, when: [header("x-cache", /AkamaiGHost|akamaitechnologies/i)] },

  { gateway: "azure-front-door", role: "page", weight: 0.85, when: [body(/Our services aren't available right now/i)] },
  { gateway: "azure-front-door", role: "path", weight: 0.7, when: [header("x-azure-ref")] },
  { gateway: "azure-front-door", role: "path", weight: 0.5, when: [header("x-msedge-ref")] },

  { gateway: "azure-app-gateway", role: "page", weight: 0.9, when: [body(/<center>Microsoft-Azure-Application-Gateway(\/v\d)?<\/center>/i)] },
  { gateway: "azure-app-gateway", role: "server", weight: 0.8, when: [server(/^Microsoft-Azure-Application-Gateway/i)] },

  { gateway: "heroku", role: "page", weight: 0.9, when: [body(/herokucdn\.com\/error-pages\//i)] },
  { gateway: "heroku", role: "page", weight: 0.4, when: [body(/<title>Application Error<\/title>/i)] },
  { gateway: "heroku", role: "path", weight: 0.7, when: [via(/\bvegur\b|heroku-router/i)] },
  { gateway: "heroku", role: "path", weight: 0.6, when: [server(/^heroku$/i)] },
  { gateway: "heroku", role: "path", weight: 0.3, when: [header(/^x-heroku-/)] },

  { gateway: "vercel", role: "page", weight: 0.9, when: [header("x-vercel-error")] },
  { gateway: "vercel", role: "page", weight: 0.6, when: [body(/An error occurred with (this application|your deployment)/i)] },
  { gateway: "vercel", role: "path", weight: 0.7, when: [header("x-vercel-id")] },
  { gateway: "vercel", role: "path", weight: 0.6, when: [server(/^Vercel$/i)] },
  { gateway: "vercel", role: "path", weight: 0.4, when: [header("x-vercel-cache")] },

  {
    gateway: "kong",
    role: "page",
    weight: 0.85,
    when: [
      body(
        /An invalid response was received from the upstream server|The upstream server is timing out|failure to get a peer from the ring-balancer|no Route matched with those values|name resolution failed/,
      ),
    ],
  },
  // Kong adds x-kong-response-latency only to responses it produced itself.
  { gateway: "kong", role: "page", weight: 0.6, when: [header("x-kong-response-latency")] },
  { gateway: "kong", role: "server", weight: 0.7, when: [server(/^kong\/[\d.]+/i)] },
  { gateway: "kong", role: "relayed", weight: 0.5, when: [header("x-kong-upstream-latency")] },
  { gateway: "kong", role: "path", weight: 0.6, when: [via(/\bkong\/[\d.]+/i)] },
  { gateway: "kong", role: "path", weight: 0.5, when: [header("x-kong-request-id")] },
  { gateway: "kong", role: "path", weight: 0.4, when: [header("x-kong-proxy-latency")] },

  { gateway: "iis", role: "page", weight: 0.85, when: [body(/Web server received an invalid response while acting as a gateway or proxy server/i)] },
  { gateway: "iis", role: "page", weight: 0.8, when: [body(/HTTP Error 502\.\d|502\.\d - [A-Za-z ]+/)] },
  { gateway: "iis", role: "page", weight: 0.8, when: [body(/ANCM [A-Za-z-]+ Startup Failure/)] },
  { gateway: "iis", role: "server", weight: 0.55, when: [server(/^Microsoft-IIS\/[\d.]+/i)] },
  { gateway: "iis", role: "path", weight: 0.6, when: [header("x-powered-by", /\bARR\/[\d.]+/)] },
];

/**
 * Products built on another one: when the specialised product shows any signal, the base
 * product's signals are its own (Fastly pages say "Varnish cache server", the Azure
 * Application Gateway v1 error page is IIS's, Istio and Google's load balancers run Envoy).
 * Order matters: Istio claims Envoy signals before Google can.
 */
export const SPECIALISATIONS: ReadonlyArray<readonly [specialised: GatewayName, base: GatewayName]> = [
  ["istio", "envoy"],
  ["google", "envoy"],
  ["fastly", "varnish"],
  ["azure-app-gateway", "iis"],
];

/**
 * Application servers: they answer for the app itself, so they are never reported as the
 * gateway. Seeing one means the error came from the application (a gateway in front only
 * relayed it). IIS is deliberately absent: it also fronts other processes (ARR, ANCM).
 */
export const ORIGIN_SERVERS: ReadonlyArray<{ name: string; header: string; value: RegExp }> = [
  { name: "Express", header: "x-powered-by", value: /^Express$/i },
  { name: "Next.js", header: "x-powered-by", value: /^Next\.js/i },
  { name: "PHP", header: "x-powered-by", value: /^PHP\/[\d.]+/i },
  { name: "gunicorn", header: "server", value: /^gunicorn/i },
  { name: "uvicorn", header: "server", value: /^uvicorn/i },
  { name: "Hypercorn", header: "server", value: /^hypercorn/i },
  { name: "Werkzeug", header: "server", value: /^Werkzeug/i },
  { name: "Python http.server", header: "server", value: /^(Simple|Base)HTTP\/[\d.]+ Python/i },
  { name: "Tornado", header: "server", value: /^TornadoServer/i },
  { name: "Jetty", header: "server", value: /^Jetty\(/i },
  { name: "Kestrel", header: "server", value: /^Kestrel$/i },
  { name: "Tomcat", header: "server", value: /^Apache-Coyote/i },
  { name: "WEBrick", header: "server", value: /^WEBrick/i },
];

export const UPSTREAM_HINTS = [
  "connection refused",
  "connect timeout",
  "connection failure",
  "reset",
  "timeout",
  "no healthy upstream",
  "overloaded",
  "invalid response",
  "dns failure",
  "tls failure",
  "routing",
] as const;

/** What the gateway says went wrong between it and its upstream. */
export type UpstreamHint = (typeof UPSTREAM_HINTS)[number];

/**
 * First match wins, so specific texts come before the generic ones they contain (Envoy's
 * "connection failure, transport failure reason: TLS error" is a TLS problem; Apache's
 * generic "invalid response" page carries the precise reason elsewhere). Generic 502 texts
 * of Kong, IIS and Apache are deliberately absent: those products use them for every
 * upstream failure, refused connections included. Status rules without a gateway hold for
 * whoever answered.
 */
export type HintRule =
  | { hint: UpstreamHint; text: RegExp }
  | { hint: UpstreamHint; status: readonly number[]; gateway?: GatewayName; source: string };

export const HINT_RULES: readonly HintRule[] = [
  { hint: "connection refused", gateway: "cloudflare", status: [521], source: "Cloudflare 521: web server is down (origin refused the connection)" },
  { hint: "connect timeout", gateway: "cloudflare", status: [522], source: "Cloudflare 522: connection to the origin timed out" },
  { hint: "connection failure", gateway: "cloudflare", status: [523], source: "Cloudflare 523: origin is unreachable" },
  { hint: "timeout", gateway: "cloudflare", status: [524], source: "Cloudflare 524: the origin sent no response within 100 s" },
  { hint: "tls failure", gateway: "cloudflare", status: [525, 526], source: "Cloudflare 525/526: TLS handshake with the origin failed or its certificate is invalid" },
  { hint: "invalid response", gateway: "cloudflare", status: [520], source: "Cloudflare 520: the origin returned an empty, unknown or unexpected response" },
  { hint: "no healthy upstream", gateway: "aws-alb", status: [503], source: "AWS ALB 503: no registered healthy targets" },
  { hint: "connection refused", text: /connection refused|ECONNREFUSED|delayed connect error: 111|ERR_CONNECT_FAIL 111/i },
  { hint: "tls failure", text: /TLS[ _]error|SSL handshake|TLS handshake|CERTIFICATE_VERIFY_FAILED|ROUTER_EXTERNAL_TARGET_HANDSHAKE_ERROR|ERR_SECURE_CONNECT_FAIL/i },
  { hint: "dns failure", text: /DNS lookup failure|ERR_DNS_FAIL|name resolution failed|resolve the origin domain name|DNS_HOSTNAME_[A-Z_]+|no such host/i },
  { hint: "no healthy upstream", text: /no healthy upstream|No server is available to handle this request|failure to get a peer from the ring-balancer|Backend is unhealthy/i },
  { hint: "overloaded", text: /reset reason: overflow|FUNCTION_THROTTLED/i },
  { hint: "connect timeout", text: /reset reason: connection timeout|ERR_CONNECT_FAIL 110|\(110\) Connection timed out/i },
  {
    hint: "connection failure",
    text: /reset reason: (remote )?connection failure|ERR_CONNECT_FAIL|wasn't able to connect to the origin|ROUTER_EXTERNAL_TARGET_CONNECTION_ERROR|0x80072efd/i,
  },
  {
    hint: "reset",
    text: /reset reason: (connection termination|remote reset|local reset)|ERR_READ_ERROR|backend read error|Error reading from remote server|connection reset by peer|upstream prematurely closed/i,
  },
  {
    hint: "timeout",
    text: /upstream request timeout|first byte timeout|The upstream server is timing out|Endpoint request timed out|ERR_READ_TIMEOUT|did not receive a timely response|didn't respond in time|[A-Z_]*INVOCATION_TIMEOUT|0x80072ee2|The timeout specified has expired/i,
  },
  {
    hint: "invalid response",
    text: /invalid or incomplete response|NO_RESPONSE_FROM_FUNCTION|[A-Z_]*INVOCATION_FAILED|BODY_NOT_A_STRING_FROM_FUNCTION|ROUTER_EXTERNAL_TARGET_ERROR|ERR_ZERO_SIZE_OBJECT|upstream sent too big header|reset reason: protocol error/i,
  },
  {
    hint: "routing",
    text: /Fastly error: unknown domain|no Route matched with those values|DEPLOYMENT_NOT_FOUND|ROUTER_CANNOT_MATCH|herokucdn\.com\/error-pages\/no-such-app/i,
  },
  { hint: "timeout", status: [504], source: "504 Gateway Timeout: a proxy gave up waiting for its upstream" },
];

/** Headers whose values carry the same kind of reason text as error pages. */
export const HINT_HEADERS = ["x-vercel-error", "x-squid-error"] as const;
