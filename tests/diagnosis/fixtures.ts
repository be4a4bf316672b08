/**
 * Responses as each product sends them by default (status, lower-cased headers, body), taken
 * from the products' documented default error pages and headers. Ids and timestamps are
 * made up; everything a fingerprint could key on is kept verbatim.
 */
import type { GatewayName, UpstreamHint } from "../../lib/diagnosis/fingerprint";

export interface ResponseFixture {
  label: string;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  expected: {
    name: GatewayName | "unknown";
    /** Omitted: not asserted. */
    hint?: UpstreamHint | null;
    /** Exact list of relaying layers; omitted: none. */
    alsoSeen?: GatewayName[];
    originServer?: string;
  };
}

export const NGINX_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.24.0</center>
</body>
</html>
`;

export const NGINX_504_PAGE = `<html>
<head><title>504 Gateway Time-out</title></head>
<body>
<center><h1>504 Gateway Time-out</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

export const NGINX_413_PAGE = `<html>
<head><title>413 Request Entity Too Large</title></head>
<body>
<center><h1>413 Request Entity Too Large</h1></center>
<hr><center>nginx/1.24.0</center>
</body>
</html>
`;

export const OPENRESTY_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>openresty/1.21.4.3</center>
</body>
</html>
`;

export const APACHE_502_PAGE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>502 Proxy Error</title>
</head><body>
<h1>Proxy Error</h1>
<p>The proxy server received an invalid
response from an upstream server.<br />
The proxy server could not handle the request<p>Reason: <strong>Error reading from remote server</strong></p></p>
<hr>
<address>Apache/2.4.57 (Debian) Server at api.example.com Port 443</address>
</body></html>
`;

export const HAPROXY_502_PAGE = `<html><body><h1>502 Bad Gateway</h1>
The server returned an invalid or incomplete response.
</body></html>
`;

export const HAPROXY_503_PAGE = `<html><body><h1>503 Service Unavailable</h1>
No server is available to handle this request.
</body></html>
`;

export const HAPROXY_504_PAGE = `<html><body><h1>504 Gateway Time-out</h1>
The server didn't respond in time.
</body></html>
`;

export const ENVOY_REFUSED_BODY =
  "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: delayed connect error: 111";

export const ENVOY_TLS_BODY =
  "upstream connect error or disconnect/reset before headers. retried and the latest reset reason: remote connection failure, transport failure reason: TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:TLS_error_end";

export const VARNISH_503_PAGE = `<!DOCTYPE html>
<html>
  <head>
    <title>503 Backend fetch failed</title>
  </head>
  <body>
    <h1>Error 503 Backend fetch failed</h1>
    <p>Backend fetch failed</p>
    <h3>Guru Meditation:</h3>
    <p>XID: 32770</p>
    <hr>
    <p>Varnish cache server</p>
  </body>
</html>
`;

export const SQUID_CONNECT_FAIL_PAGE = `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head>
<meta type="copyright" content="Copyright (C) 1996-2022 The Squid Software Foundation and contributors">
<title>ERROR: The requested URL could not be retrieved</title>
</head><body id="ERR_CONNECT_FAIL">
<div id="titles">
<h1>ERROR</h1>
<h2>The requested URL could not be retrieved</h2>
</div>
<div id="content">
<p>The following error was encountered while trying to retrieve the URL: <a href="http://api.example.com/health">http://api.example.com/health</a></p>
<blockquote id="error">
<p><b>Connection to 10.0.0.12 failed.</b></p>
</blockquote>
<p id="sysmsg">The system returned: <i>(111) Connection refused</i></p>
<p>The remote host or network may be down. Please try the request again.</p>
</div>
<div id="footer">
<p>Generated Mon, 04 Mar 2024 10:00:00 GMT by proxy.internal (squid/5.7)</p>
</div>
</body></html>
`;

export const CLOUDFLARE_502_PAGE = `<!DOCTYPE html>
<html class="no-js" lang="en-US">
<head>
<title>api.example.com | 502: Bad gateway</title>
</head>
<body>
<div id="cf-wrapper">
<h1><span class="inline-block">Bad gateway</span>
<span class="code-label">Error code 502</span></h1>
<div class="cf-error-footer">
<span class="cf-footer-item">Cloudflare Ray ID: <strong class="font-semibold">8a1b2c3d4e5f6789</strong></span>
<span class="cf-footer-item">Performance &amp; security by <a href="https://www.cloudflare.com/5xx-error-landing" target="_blank">Cloudflare</a></span>
</div>
</div>
</body>
</html>
`;

export const CLOUDFLARE_BLOCK_PAGE = `<!DOCTYPE html>
<html lang="en-US">
<head><title>Attention Required! | Cloudflare</title></head>
<body>
<h1 data-translate="block_headline">Sorry, you have been blocked</h1>
<h2>You are unable to access example.com</h2>
<span class="cf-footer-item">Cloudflare Ray ID: <strong class="font-semibold">8a1b2c3d4e5f0000</strong></span>
</body>
</html>
`;

export const ALB_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
</body>
</html>
`;

export const ALB_400_PAGE = `<html>
<head><title>400 Bad Request</title></head>
<body bgcolor="white">
<center><h1>400 Bad Request</h1></center>
<hr><center>awselb/2.0</center>
</body>
</html>
`;

export const CLOUDFRONT_502_PAGE = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">
<TITLE>ERROR: The request could not be satisfied</TITLE>
</HEAD><BODY>
<H1>502 ERROR</H1>
<H2>The request could not be satisfied.</H2>
<HR noshade size="1px">
CloudFront wasn't able to connect to the origin.
We can't connect to the server for this app or website at this time. There might be too much traffic or a configuration error. Try again later, or contact the app or website owner.
<BR clear="all">
If you provide content to customers through CloudFront, you can find steps to troubleshoot and help prevent this error by reviewing the CloudFront documentation.
<BR clear="all">
<HR noshade size="1px">
<PRE>
Generated by cloudfront (CloudFront)
Request ID: TSbhzZGiZgwDYLJwAYSVZNoLl0KRDeZJGwjqH3y-I2ShSSyBFRbs_w==
</PRE>
<ADDRESS>
</ADDRESS>
</BODY></HTML>`;

export const GOOGLE_502_PAGE = `<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 502 (Server Error)!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>502.</b> <ins>That’s an error.</ins>
  <p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>
`;

export const FASTLY_503_PAGE = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html>
  <head>
    <title>503 first byte timeout</title>
  </head>
  <body>
    <h1>Error 503 first byte timeout</h1>
    <p>first byte timeout</p>
    <h3>Guru Mediation:</h3>
    <p>Details: cache-fra-eddf8230120-FRA 1700000015 2716372187</p>
    <hr>
    <p>Varnish cache server</p>
  </body>
</html>
`;

export const AKAMAI_504_PAGE = `<HTML><HEAD>
<TITLE>Gateway Timeout</TITLE>
</HEAD><BODY>
<H1>Gateway Timeout</H1>
The proxy server did not receive a timely response from the upstream server.<P>
Reference&#32;&#35;30&#46;5f3c1602&#46;1700000000&#46;2bd5f10
</BODY></HTML>
`;

export const AKAMAI_502_PAGE = `<HTML><HEAD>
<TITLE>Error</TITLE>
</HEAD><BODY>
An error occurred while processing your request.<p>
Reference&#32;&#35;97&#46;5f3c1602&#46;1700000000&#46;2bd5f10
<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;97&#46;5f3c1602&#46;1700000000&#46;2bd5f10</P>
</BODY></HTML>
`;

export const AZURE_FRONT_DOOR_PAGE = `<!DOCTYPE html>
<html>
<head><title>Service unavailable</title></head>
<body>
<h2>Our services aren't available right now</h2>
<p>We're working to restore all services as soon as possible. Please check back soon.</p>
0v4bmZQAAAAB Ref A: 3C1F9E3D0F1E4 Ref B: FRA31EDGE0813 Ref C: 2024-03-04T10:00:00Z
</body>
</html>
`;

export const AZURE_APP_GATEWAY_502_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>Microsoft-Azure-Application-Gateway/v2</center>
</body>
</html>
`;

export const IIS_ARR_502_PAGE = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>
  <h3>There is a problem with the page you are looking for, and it cannot be displayed. When the Web server (while acting as a gateway or proxy) contacted the upstream content server, it received an invalid response from the content server.</h3>
 </fieldset></div>
</div>
</body>
</html>
`;

export const IIS_ARR_TIMEOUT_PAGE = `<html><head><title>IIS 10.0 Detailed Error - 502.3 - Bad Gateway</title></head>
<body><div id="content">
<h3>HTTP Error 502.3 - Bad Gateway</h3>
<h4>The operation timed out</h4>
<table><tr><th>Module</th><td>ApplicationRequestRouting</td></tr>
<tr><th>Error Code</th><td>0x80072ee2</td></tr></table>
</div></body></html>
`;

export const HEROKU_APPLICATION_ERROR_PAGE = `<!DOCTYPE html>
<html>
  <head>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta charset="utf-8">
    <title>Application Error</title>
    <style media="screen">
      html,body,iframe { margin: 0; padding: 0; }
      html,body { height: 100%; overflow: hidden; }
      iframe { width: 100%; height: 100%; border: 0; }
    </style>
  </head>
  <body>
    <iframe src="//www.herokucdn.com/error-pages/application-error.html"></iframe>
  </body>
</html>
`;

export const KONG_502_BODY = `{
  "message":"An invalid response was received from the upstream server",
  "request_id":"5c0f3e7a2b9d4c1e8f6a"
}`;

export const EXPRESS_500_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Error</title>
</head>
<body>
<pre>Internal Server Error</pre>
</body>
</html>
`;

const CF_HEADERS = { server: "cloudflare", "cf-ray": "8a1b2c3d4e5f6789-FRA", "cf-cache-status": "DYNAMIC" };
const CLOUDFRONT_HEADERS = {
  "x-cache": "Error from cloudfront",
  via: "1.1 7f8e2c1d0b9a.cloudfront.net (CloudFront)",
  "x-amz-cf-pop": "FRA56-P1",
  "x-amz-cf-id": "q3OA_ysVzjypuMJtFmeIS1exW9-5FY8NiKJhtvSxsx5RB67zPGj0TQ==",
};
const FASTLY_HEADERS = {
  server: "Varnish",
  "retry-after": "0",
  via: "1.1 varnish",
  "x-served-by": "cache-fra-eddf8230120-FRA",
  "x-cache": "MISS",
  "x-cache-hits": "0",
  "x-timer": "S1700000000.123456,VS0,VE15003",
};

/** Gateways generating their own error responses. */
export const GATEWAY_FIXTURES: ResponseFixture[] = [
  {
    label: "nginx 502 default page",
    status: 502,
    headers: { server: "nginx/1.24.0", "content-type": "text/html", "content-length": "157" },
    body: NGINX_502_PAGE,
    expected: { name: "nginx", hint: null },
  },
  {
    label: "nginx 504 with server_tokens off",
    status: 504,
    headers: { server: "nginx", "content-type": "text/html" },
    body: NGINX_504_PAGE,
    expected: { name: "nginx", hint: "timeout" },
  },
  {
    label: "OpenResty 502 default page",
    status: 502,
    headers: { server: "openresty/1.21.4.3", "content-type": "text/html" },
    body: OPENRESTY_502_PAGE,
    expected: { name: "openresty", hint: null },
  },
  {
    label: "Apache httpd mod_proxy 502",
    status: 502,
    headers: { server: "Apache/2.4.57 (Debian)", "content-type": "text/html; charset=iso-8859-1" },
    body: APACHE_502_PAGE,
    expected: { name: "apache", hint: "reset" },
  },
  {
    label: "HAProxy 502 built-in page (no Server header)",
    status: 502,
    headers: { "cache-control": "no-cache", "content-type": "text/html" },
    body: HAPROXY_502_PAGE,
    expected: { name: "haproxy", hint: "invalid response" },
  },
  {
    label: "HAProxy 503 with every server down",
    status: 503,
    headers: { "cache-control": "no-cache", "content-type": "text/html" },
    body: HAPROXY_503_PAGE,
    expected: { name: "haproxy", hint: "no healthy upstream" },
  },
  {
    label: "HAProxy 504",
    status: 504,
    headers: { "cache-control": "no-cache", "content-type": "text/html" },
    body: HAPROXY_504_PAGE,
    expected: { name: "haproxy", hint: "timeout" },
  },
  {
    label: "Envoy 503 connection refused (errno 111)",
    status: 503,
    headers: { server: "envoy", "content-type": "text/plain", "content-length": "145" },
    body: ENVOY_REFUSED_BODY,
    expected: { name: "envoy", hint: "connection refused" },
  },
  {
    label: "Envoy 503 connection failure (older wording)",
    status: 503,
    headers: { server: "envoy", "content-type": "text/plain" },
    body: "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
    expected: { name: "envoy", hint: "connection failure" },
  },
  {
    label: "Envoy 503 TLS failure to upstream",
    status: 503,
    headers: { server: "envoy", "content-type": "text/plain" },
    body: ENVOY_TLS_BODY,
    expected: { name: "envoy", hint: "tls failure" },
  },
  {
    label: "Envoy 503 no healthy upstream",
    status: 503,
    headers: { server: "envoy", "content-type": "text/plain", "content-length": "19" },
    body: "no healthy upstream",
    expected: { name: "envoy", hint: "no healthy upstream" },
  },
  {
    label: "Envoy 503 circuit breaker overflow",
    status: 503,
    headers: { server: "envoy", "x-envoy-overloaded": "true" },
    body: "upstream connect error or disconnect/reset before headers. reset reason: overflow",
    expected: { name: "envoy", hint: "overloaded" },
  },
  {
    label: "Istio ingress gateway 503 (istio-envoy + peer metadata)",
    status: 503,
    headers: {
      server: "istio-envoy",
      "x-envoy-decorator-operation": "orders.shop.svc.cluster.local:8080/*",
      "x-envoy-peer-metadata-id": "router~10.1.2.3~istio-ingressgateway-7d9f.istio-system~istio-system.svc.cluster.local",
      "content-type": "text/plain",
    },
    body: "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
    expected: { name: "istio", hint: "reset" },
  },
  {
    label: "Traefik 502 plain status text",
    status: 502,
    headers: { "content-type": "text/plain; charset=utf-8", "content-length": "11" },
    body: "Bad Gateway",
    expected: { name: "traefik", hint: null },
  },
  {
    label: "Caddy 502 with an empty body",
    status: 502,
    headers: { server: "Caddy", "content-length": "0" },
    body: "",
    expected: { name: "caddy", hint: null },
  },
  {
    label: "Varnish 503 Backend fetch failed",
    status: 503,
    headers: {
      server: "Varnish",
      "x-varnish": "32770",
      via: "1.1 varnish (Varnish/7.4)",
      "retry-after": "5",
      "content-type": "text/html; charset=utf-8",
    },
    body: VARNISH_503_PAGE,
    expected: { name: "varnish", hint: null },
  },
  {
    label: "Squid ERR_CONNECT_FAIL (111)",
    status: 503,
    headers: {
      server: "squid/5.7",
      "x-squid-error": "ERR_CONNECT_FAIL 111",
      "x-cache": "MISS from proxy.internal",
      "x-cache-lookup": "MISS from proxy.internal:3128",
      via: "1.1 proxy.internal (squid/5.7)",
    },
    body: SQUID_CONNECT_FAIL_PAGE,
    expected: { name: "squid", hint: "connection refused" },
  },
  {
    label: "Squid ERR_READ_TIMEOUT header only",
    status: 504,
    headers: { server: "squid/6.6", "x-squid-error": "ERR_READ_TIMEOUT 0" },
    body: null,
    expected: { name: "squid", hint: "timeout" },
  },
  {
    label: "Cloudflare's own 502 page",
    status: 502,
    headers: { ...CF_HEADERS, "content-type": "text/html; charset=UTF-8" },
    body: CLOUDFLARE_502_PAGE,
    expected: { name: "cloudflare", hint: null },
  },
  {
    label: "Cloudflare 520 (plain text)",
    status: 520,
    headers: CF_HEADERS,
    body: "error code: 520",
    expected: { name: "cloudflare", hint: "invalid response" },
  },
  {
    label: "Cloudflare 521 web server is down (plain text)",
    status: 521,
    headers: CF_HEADERS,
    body: "error code: 521",
    expected: { name: "cloudflare", hint: "connection refused" },
  },
  {
    label: "Cloudflare 522 connection timed out",
    status: 522,
    headers: CF_HEADERS,
    body: "error code: 522",
    expected: { name: "cloudflare", hint: "connect timeout" },
  },
  {
    label: "Cloudflare 523 origin unreachable",
    status: 523,
    headers: CF_HEADERS,
    body: "error code: 523",
    expected: { name: "cloudflare", hint: "connection failure" },
  },
  {
    label: "Cloudflare 524 timeout, body not captured",
    status: 524,
    headers: CF_HEADERS,
    body: null,
    expected: { name: "cloudflare", hint: "timeout" },
  },
  {
    label: "Cloudflare 525 SSL handshake failed",
    status: 525,
    headers: CF_HEADERS,
    body: "error code: 525",
    expected: { name: "cloudflare", hint: "tls failure" },
  },
  {
    label: "Cloudflare 526 invalid origin certificate",
    status: 526,
    headers: CF_HEADERS,
    body: "error code: 526",
    expected: { name: "cloudflare", hint: "tls failure" },
  },
  {
    label: "Cloudflare WAF block page",
    status: 403,
    headers: { ...CF_HEADERS, "content-type": "text/html; charset=UTF-8" },
    body: CLOUDFLARE_BLOCK_PAGE,
    expected: { name: "cloudflare", hint: null },
  },
  {
    label: "AWS ALB 502 (no body tell, Server: awselb/2.0)",
    status: 502,
    headers: { server: "awselb/2.0", "content-type": "text/html", "content-length": "122" },
    body: ALB_502_PAGE,
    expected: { name: "aws-alb", hint: null },
  },
  {
    label: "AWS ALB 503 (no healthy targets)",
    status: 503,
    headers: { server: "awselb/2.0", "content-type": "text/html" },
    body: null,
    expected: { name: "aws-alb", hint: "no healthy upstream" },
  },
  {
    label: "AWS ALB 504",
    status: 504,
    headers: { server: "awselb/2.0", "content-type": "text/html" },
    body: null,
    expected: { name: "aws-alb", hint: "timeout" },
  },
  {
    label: "AWS ALB 400 page naming awselb/2.0",
    status: 400,
    headers: { server: "awselb/2.0", "content-type": "text/html" },
    body: ALB_400_PAGE,
    expected: { name: "aws-alb" },
  },
  {
    label: "AWS CloudFront 502 could not connect to origin",
    status: 502,
    headers: { server: "CloudFront", "content-type": "text/html", ...CLOUDFRONT_HEADERS },
    body: CLOUDFRONT_502_PAGE,
    expected: { name: "aws-cloudfront", hint: "connection failure" },
  },
  {
    label: "AWS API Gateway 504 integration timeout",
    status: 504,
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": "b1f2c3d4-0000-4a5b-8c9d-0123456789ab",
      "x-amz-apigw-id": "Ab1CdEfGhIjKlMn=",
      "x-amzn-errortype": "InternalServerErrorException",
    },
    body: '{"message": "Endpoint request timed out"}',
    expected: { name: "aws-api-gateway", hint: "timeout" },
  },
  {
    label: "Google Frontend 502 page",
    status: 502,
    headers: { server: "Google Frontend", "content-type": "text/html; charset=UTF-8", "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000" },
    body: GOOGLE_502_PAGE,
    expected: { name: "google", hint: null },
  },
  {
    label: "Google Cloud load balancer (Envoy-based) 503 no healthy upstream",
    status: 503,
    headers: { via: "1.1 google", "content-type": "text/plain" },
    body: "no healthy upstream",
    expected: { name: "google", hint: "no healthy upstream" },
  },
  {
    label: "Fastly 503 first byte timeout",
    status: 503,
    headers: FASTLY_HEADERS,
    body: FASTLY_503_PAGE,
    expected: { name: "fastly", hint: "timeout" },
  },
  {
    label: "Fastly unknown domain",
    status: 500,
    headers: { server: "Varnish", "x-served-by": "cache-lhr7365-LHR", "x-fastly-request-id": "a1b2c3d4e5f6" },
    body: "Fastly error: unknown domain: api.example.com. Please check that this domain has been added to a service.",
    expected: { name: "fastly", hint: "routing" },
  },
  {
    label: "Akamai 504 Gateway Timeout",
    status: 504,
    headers: { server: "AkamaiGHost", "mime-version": "1.0", "content-type": "text/html" },
    body: AKAMAI_504_PAGE,
    expected: { name: "akamai", hint: "timeout" },
  },
  {
    label: "Akamai 502 processing error without Server header",
    status: 502,
    headers: { "content-type": "text/html", "x-akamai-request-id": "2c1382d" },
    body: AKAMAI_502_PAGE,
    expected: { name: "akamai", hint: null },
  },
  {
    label: "Azure Front Door 503",
    status: 503,
    headers: { "x-azure-ref": "20240304T100000Z-16bd7c8c7d8xk2f8hC1FRAm5bc0000000g", "x-cache": "CONFIG_NOCACHE", "content-type": "text/html" },
    body: AZURE_FRONT_DOOR_PAGE,
    expected: { name: "azure-front-door", hint: null },
  },
  {
    label: "Azure Application Gateway v2 502",
    status: 502,
    headers: { server: "Microsoft-Azure-Application-Gateway/v2", "content-type": "text/html" },
    body: AZURE_APP_GATEWAY_502_PAGE,
    expected: { name: "azure-app-gateway", hint: null },
  },
  {
    label: "Azure Application Gateway v1 502 (IIS-style page)",
    status: 502,
    headers: { server: "Microsoft-Azure-Application-Gateway/v1", "content-type": "text/html" },
    body: IIS_ARR_502_PAGE,
    expected: { name: "azure-app-gateway", hint: null },
  },
  {
    label: "Heroku router Application Error",
    status: 503,
    headers: { server: "Cowboy", via: "1.1 vegur", "content-type": "text/html; charset=utf-8", "cache-control": "no-cache, no-store" },
    body: HEROKU_APPLICATION_ERROR_PAGE,
    expected: { name: "heroku", hint: null },
  },
  {
    label: "Vercel NO_RESPONSE_FROM_FUNCTION",
    status: 502,
    headers: {
      server: "Vercel",
      "x-vercel-id": "fra1::iad1::abcde-1700000000000-0123456789ab",
      "x-vercel-error": "NO_RESPONSE_FROM_FUNCTION",
      "content-type": "text/plain; charset=utf-8",
    },
    body: "An error occurred with this application.\n\nNO_RESPONSE_FROM_FUNCTION\n\nfra1::iad1::abcde-1700000000000-0123456789ab",
    expected: { name: "vercel", hint: "invalid response" },
  },
  {
    label: "Vercel FUNCTION_INVOCATION_TIMEOUT",
    status: 504,
    headers: { server: "Vercel", "x-vercel-id": "fra1::iad1::xyz", "x-vercel-error": "FUNCTION_INVOCATION_TIMEOUT" },
    body: null,
    expected: { name: "vercel", hint: "timeout" },
  },
  {
    label: "Vercel DEPLOYMENT_NOT_FOUND",
    status: 404,
    headers: { server: "Vercel", "x-vercel-id": "fra1::xyz", "x-vercel-error": "DEPLOYMENT_NOT_FOUND" },
    body: "The deployment could not be found on Vercel.\n\nDEPLOYMENT_NOT_FOUND\n",
    expected: { name: "vercel", hint: "routing" },
  },
  {
    label: "Kong 502 generic upstream failure",
    status: 502,
    headers: {
      server: "kong/3.4.2",
      "x-kong-response-latency": "1",
      "x-kong-request-id": "5c0f3e7a2b9d4c1e8f6a",
      "content-type": "application/json; charset=utf-8",
    },
    body: KONG_502_BODY,
    expected: { name: "kong", hint: null },
  },
  {
    label: "Kong 504 upstream timing out",
    status: 504,
    headers: { server: "kong/3.4.2", "x-kong-response-latency": "60001" },
    body: '{"message":"The upstream server is timing out"}',
    expected: { name: "kong", hint: "timeout" },
  },
  {
    label: "Kong 503 no peer in the ring-balancer",
    status: 503,
    headers: { server: "kong/2.8.1" },
    body: '{"message":"failure to get a peer from the ring-balancer"}',
    expected: { name: "kong", hint: "no healthy upstream" },
  },
  {
    label: "Kong 404 no route",
    status: 404,
    headers: { server: "kong/3.4.2", "x-kong-response-latency": "0" },
    body: '{"message":"no Route matched with those values"}',
    expected: { name: "kong", hint: "routing" },
  },
  {
    label: "IIS ARR 502",
    status: 502,
    headers: { server: "Microsoft-IIS/10.0", "x-powered-by": "ARR/3.0, ASP.NET", "content-type": "text/html" },
    body: IIS_ARR_502_PAGE,
    expected: { name: "iis", hint: null },
  },
  {
    label: "IIS ARR 502.3 timeout",
    status: 502,
    headers: { server: "Microsoft-IIS/10.0", "x-powered-by": "ARR/3.0" },
    body: IIS_ARR_TIMEOUT_PAGE,
    expected: { name: "iis", hint: "timeout" },
  },
];

/** One layer generated the error, another (usually a CDN) relayed it. */
export const STACKED_FIXTURES: ResponseFixture[] = [
  {
    label: "Cloudflare in front of an nginx origin returning its 502 page",
    status: 502,
    headers: { ...CF_HEADERS, "content-type": "text/html" },
    body: NGINX_502_PAGE,
    expected: { name: "nginx", alsoSeen: ["cloudflare"] },
  },
  {
    label: "Cloudflare in front of Envoy refusing",
    status: 503,
    headers: { ...CF_HEADERS, "content-type": "text/plain" },
    body: ENVOY_REFUSED_BODY,
    expected: { name: "envoy", hint: "connection refused", alsoSeen: ["cloudflare"] },
  },
  {
    label: "CloudFront relaying an ALB 502",
    status: 502,
    headers: { server: "awselb/2.0", "content-type": "text/html", ...CLOUDFRONT_HEADERS },
    body: ALB_502_PAGE,
    expected: { name: "aws-alb", alsoSeen: ["aws-cloudfront"] },
  },
  {
    label: "Azure Front Door relaying an nginx 502",
    status: 502,
    headers: { "x-azure-ref": "20240304T100000Z-abc", server: "nginx/1.25.3" },
    body: NGINX_502_PAGE,
    expected: { name: "nginx", alsoSeen: ["azure-front-door"] },
  },
  {
    label: "Cloudflare relaying an origin's own JSON 502",
    status: 502,
    headers: { ...CF_HEADERS, "content-type": "application/json" },
    body: '{"error":"payment provider unavailable"}',
    expected: { name: "unknown", hint: null, alsoSeen: ["cloudflare"] },
  },
  {
    label: "Envoy relaying the upstream's 500",
    status: 500,
    headers: { server: "envoy", "x-envoy-upstream-service-time": "12", "content-type": "application/json" },
    body: '{"error":"internal"}',
    expected: { name: "unknown", alsoSeen: ["envoy"] },
  },
  {
    label: "Kong relaying the upstream's 500",
    status: 500,
    headers: { via: "1.1 kong/3.5.0", "x-kong-upstream-latency": "8", "x-kong-proxy-latency": "1" },
    body: '{"error":"internal"}',
    expected: { name: "unknown", alsoSeen: ["kong"] },
  },
  {
    label: "nginx relaying an Express 500",
    status: 500,
    headers: { server: "nginx/1.24.0", "x-powered-by": "Express", "content-type": "application/json" },
    body: '{"error":"Cannot read properties of undefined"}',
    expected: { name: "unknown", alsoSeen: ["nginx"], originServer: "Express" },
  },
  {
    label: "Heroku router relaying an Express 500",
    status: 500,
    headers: { via: "1.1 vegur", "x-powered-by": "Express", "content-type": "text/html; charset=utf-8" },
    body: EXPRESS_500_PAGE,
    expected: { name: "unknown", alsoSeen: ["heroku"], originServer: "Express" },
  },
];

/**
 * Application servers answering directly. They are origins, not gateways: the fingerprint
 * keeps the gateway "unknown" and names them as originServer instead.
 */
export const ORIGIN_FIXTURES: ResponseFixture[] = [
  {
    label: "Express 500 (X-Powered-By: Express)",
    status: 500,
    headers: { "x-powered-by": "Express", "content-type": "text/html; charset=utf-8", "content-length": "148" },
    body: EXPRESS_500_PAGE,
    expected: { name: "unknown", originServer: "Express" },
  },
  {
    label: "Express app answering 502 itself",
    status: 502,
    headers: { "x-powered-by": "Express", "content-type": "application/json; charset=utf-8" },
    body: '{"error":"Bad Gateway"}',
    expected: { name: "unknown", originServer: "Express" },
  },
  {
    label: "bare Node http server (no Server header)",
    status: 500,
    headers: { "content-type": "text/plain", connection: "keep-alive", "keep-alive": "timeout=5" },
    body: "Internal Server Error",
    expected: { name: "unknown" },
  },
  {
    label: "gunicorn 500",
    status: 500,
    headers: { server: "gunicorn", "content-type": "text/html", connection: "close" },
    body: "<html><head><title>Internal Server Error</title></head><body><h1><p>Internal Server Error</p></h1></body></html>",
    expected: { name: "unknown", originServer: "gunicorn" },
  },
  {
    label: "Jetty 500",
    status: 500,
    headers: { server: "Jetty(9.4.53.v20231009)", "content-type": "text/html;charset=iso-8859-1" },
    body: "<html><head><title>Error 500 Server Error</title></head><body><h2>HTTP ERROR 500 Server Error</h2></body></html>",
    expected: { name: "unknown", originServer: "Jetty" },
  },
  {
    label: "Kestrel 500 with an empty body",
    status: 500,
    headers: { server: "Kestrel", "content-length": "0" },
    body: "",
    expected: { name: "unknown", originServer: "Kestrel" },
  },
  {
    label: "Tomcat (Apache-Coyote) is not Apache httpd",
    status: 500,
    headers: { server: "Apache-Coyote/1.1", "content-type": "text/html;charset=utf-8" },
    body: "<html><head><title>Apache Tomcat/7.0.109 - Error report</title></head><body><h1>HTTP Status 500 - </h1></body></html>",
    expected: { name: "unknown", originServer: "Tomcat" },
  },
  {
    label: "no response captured at all",
    status: null,
    headers: null,
    body: null,
    expected: { name: "unknown", hint: null },
  },
];
