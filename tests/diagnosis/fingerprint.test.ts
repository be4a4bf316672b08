import { describe, expect, it } from "vitest";
import { fingerprintGateway, GATEWAY_DISPLAY_NAMES, GATEWAYS, gatewayDisplayName } from "../../lib/diagnosis/fingerprint";
import {
  GATEWAY_FIXTURES,
  NGINX_502_PAGE,
  ORIGIN_FIXTURES,
  STACKED_FIXTURES,
  type ResponseFixture,
} from "./fixtures";

function fingerprintOf(fixture: ResponseFixture) {
  return fingerprintGateway({ status: fixture.status, headers: fixture.headers, body: fixture.body });
}

function expectMatchesFixture(fixture: ResponseFixture) {
  const result = fingerprintOf(fixture);
  const { expected } = fixture;
  expect(result.name).toBe(expected.name);
  if (expected.hint !== undefined) expect(result.upstreamHint).toBe(expected.hint);
  expect(result.alsoSeen.map((layer) => layer.name)).toEqual(expected.alsoSeen ?? []);
  if (expected.originServer) expect(result.originServer?.name).toBe(expected.originServer);
  if (expected.name === "unknown") {
    expect(result.confidence).toBe(0);
    expect(result.evidence).toEqual([]);
    expect(result.basis).toBeNull();
  } else {
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThan(1);
    expect(result.evidence.length).toBeGreaterThan(0);
  }
}

describe("fingerprintGateway: each gateway's own error responses", () => {
  it.each(GATEWAY_FIXTURES.map((fixture) => [fixture.label, fixture] as const))("%s", (_, fixture) => {
    expectMatchesFixture(fixture);
  });

  it("has a fixture and a display name for every gateway it knows", () => {
    const covered = new Set([...GATEWAY_FIXTURES, ...STACKED_FIXTURES].map((fixture) => fixture.expected.name));
    for (const gateway of GATEWAYS) {
      expect(covered, gateway).toContain(gateway);
      expect(GATEWAY_DISPLAY_NAMES[gateway].length).toBeGreaterThan(0);
    }
    expect(gatewayDisplayName("istio")).toBe("Envoy (Istio)");
    expect(gatewayDisplayName("unknown")).toBe("unknown gateway");
  });
});

describe("fingerprintGateway: stacked layers report the one that generated the response", () => {
  it.each(STACKED_FIXTURES.map((fixture) => [fixture.label, fixture] as const))("%s", (_, fixture) => {
    expectMatchesFixture(fixture);
  });

  it("keeps the relaying CDN's evidence separate from the generator's", () => {
    const result = fingerprintGateway({
      status: 502,
      headers: { server: "cloudflare", "cf-ray": "8a1b2c3d4e5f6789-FRA" },
      body: NGINX_502_PAGE,
    });
    expect(result.evidence).toEqual(['body: "<center>nginx/1.24.0</center>"']);
    expect(result.alsoSeen).toEqual([
      expect.objectContaining({ name: "cloudflare", evidence: ["Cf-Ray: 8a1b2c3d4e5f6789-FRA", "Server: cloudflare"] }),
    ]);
  });
});

describe("fingerprintGateway: application servers are origins, not gateways", () => {
  it.each(ORIGIN_FIXTURES.map((fixture) => [fixture.label, fixture] as const))("%s", (_, fixture) => {
    expectMatchesFixture(fixture);
  });

  it("does not interpret an application's own error text as a gateway hint", () => {
    const result = fingerprintGateway({
      status: 500,
      headers: { "x-powered-by": "Express" },
      body: '{"error":"connect ECONNREFUSED 10.0.0.5:5432"}',
    });
    expect(result.upstreamHint).toBeNull();
  });
});

describe("fingerprintGateway: evidence and confidence", () => {
  it("quotes the Server header and the body text it matched", () => {
    const result = fingerprintGateway({ status: 502, headers: { server: "nginx/1.24.0" }, body: NGINX_502_PAGE });
    expect(result.evidence).toEqual(['body: "<center>nginx/1.24.0</center>"', "Server: nginx/1.24.0"]);
    expect(result.basis).toBe("error page");
  });

  it("trusts several signals more than one", () => {
    const pageAndHeader = fingerprintGateway({ status: 502, headers: { server: "nginx/1.24.0" }, body: NGINX_502_PAGE });
    const headerOnly = fingerprintGateway({ status: 502, headers: { server: "nginx/1.24.0" }, body: null });
    expect(headerOnly.name).toBe("nginx");
    expect(headerOnly.basis).toBe("server header");
    expect(pageAndHeader.confidence).toBeGreaterThan(headerOnly.confidence);
  });

  it("gives a single weak signal low confidence", () => {
    const traefik = fingerprintGateway({ status: 502, headers: {}, body: "Bad Gateway" });
    expect(traefik.name).toBe("traefik");
    expect(traefik.confidence).toBeLessThan(0.5);
  });

  it("ignores default error-page text on a successful response", () => {
    const result = fingerprintGateway({
      status: 200,
      headers: { server: "nginx" },
      body: "<p>Our docs quote <center>openresty</center> pages</p>",
    });
    expect(result.name).toBe("nginx");
    expect(result.basis).toBe("server header");
    expect(result.alsoSeen).toEqual([]);
  });

  it("accepts header names in any case", () => {
    const result = fingerprintGateway({ status: 502, headers: { Server: "awselb/2.0" }, body: null });
    expect(result.name).toBe("aws-alb");
    expect(result.evidence).toEqual(["Server: awselb/2.0"]);
  });

  it("does not take a CDN that only relays for the generator", () => {
    const result = fingerprintGateway({
      status: 502,
      headers: { server: "cloudflare", "cf-ray": "8a1b2c3d4e5f6789-FRA" },
      body: null,
    });
    expect(result.name).toBe("unknown");
    expect(result.alsoSeen.map((layer) => layer.name)).toEqual(["cloudflare"]);
  });
});
