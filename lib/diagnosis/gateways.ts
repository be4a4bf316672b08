/**
 * The proxies, load balancers and CDNs Hopwatch can recognise in front of a monitored API.
 * Ids are stable (stored with diagnoses); display names are for people.
 */
export const GATEWAYS = [
  "nginx",
  "openresty",
  "apache",
  "haproxy",
  "envoy",
  "istio",
  "traefik",
  "caddy",
  "varnish",
  "squid",
  "cloudflare",
  "aws-alb",
  "aws-cloudfront",
  "aws-api-gateway",
  "google",
  "fastly",
  "akamai",
  "azure-front-door",
  "azure-app-gateway",
  "heroku",
  "vercel",
  "kong",
  "iis",
] as const;

export type GatewayName = (typeof GATEWAYS)[number];

export const GATEWAY_DISPLAY_NAMES: Record<GatewayName, string> = {
  nginx: "nginx",
  openresty: "OpenResty",
  apache: "Apache httpd",
  haproxy: "HAProxy",
  envoy: "Envoy",
  istio: "Envoy (Istio)",
  traefik: "Traefik",
  caddy: "Caddy",
  varnish: "Varnish",
  squid: "Squid",
  cloudflare: "Cloudflare",
  "aws-alb": "AWS ALB/ELB",
  "aws-cloudfront": "AWS CloudFront",
  "aws-api-gateway": "AWS API Gateway",
  google: "Google Frontend / GCLB",
  fastly: "Fastly",
  akamai: "Akamai",
  "azure-front-door": "Azure Front Door",
  "azure-app-gateway": "Azure Application Gateway",
  heroku: "Heroku router",
  vercel: "Vercel",
  kong: "Kong",
  iis: "IIS / ARR",
};

export function gatewayDisplayName(name: GatewayName | "unknown"): string {
  return name === "unknown" ? "unknown gateway" : GATEWAY_DISPLAY_NAMES[name];
}
