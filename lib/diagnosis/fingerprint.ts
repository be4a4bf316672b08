/**
 * Which proxy, load balancer or CDN produced a failing HTTP response, judged only from the
 * response itself. Pure: no network, deterministic.
 */
import type { GatewayName } from "./gateways";
import {
  HINT_HEADERS,
  HINT_RULES,
  ORIGIN_SERVERS,
  SIGNATURES,
  SPECIALISATIONS,
  type Condition,
  type SignalRole,
  type UpstreamHint,
} from "./signatures";

export { GATEWAYS, GATEWAY_DISPLAY_NAMES, gatewayDisplayName, type GatewayName } from "./gateways";
export { UPSTREAM_HINTS, type UpstreamHint } from "./signatures";

export interface FingerprintInput {
  status: number | null;
  /** Header names lower-cased. */
  headers: Record<string, string> | null;
  body: string | null;
}

export interface GatewayLayer {
  name: GatewayName;
  confidence: number;
  evidence: string[];
}

export interface GatewayFingerprint {
  /** The layer that generated this response; "unknown" when nothing proves one did. */
  name: GatewayName | "unknown";
  /** 0..1; 0 exactly when name is "unknown". */
  confidence: number;
  evidence: string[];
  /** How the generator was recognised: its own error page is stronger than its Server header. */
  basis: "error page" | "server header" | null;
  /** Other layers on the path that did not generate the response (CDNs relaying, etc.). */
  alsoSeen: GatewayLayer[];
  /** An application server that answered directly (so no gateway generated the error). */
  originServer: { name: string; evidence: string } | null;
  /** Why the generating gateway failed, when its response says so. */
  upstreamHint: UpstreamHint | null;
  /** The text or rule the hint was read from. */
  hintSource: string | null;
}

/** Error pages are small; the cap bounds regex work on huge bodies. */
const MAX_BODY_CHARS = 20_000;
/** A response can be forged or customised, so fingerprints never claim certainty. */
const MAX_CONFIDENCE = 0.99;
const MAX_EVIDENCE_CHARS = 100;

interface NormalisedResponse {
  status: number | null;
  headers: Record<string, string>;
  /** Whitespace collapsed so multi-line templates match single-line patterns; null = not captured. */
  body: string | null;
}

interface SignalMatch {
  gateway: GatewayName;
  role: SignalRole;
  weight: number;
  evidence: string[];
}

export function fingerprintGateway(input: FingerprintInput): GatewayFingerprint {
  const response = normalise(input);
  const matches = applySpecialisations(matchSignatures(response));
  const originServer = detectOriginServer(response.headers);

  const layers = gatewaysIn(matches).map((gateway) => {
    const own = matches.filter((m) => m.gateway === gateway);
    return { gateway, own, tier: generatorTier(own, originServer !== null), confidence: combine(own) };
  });
  layers.sort((a, b) => b.tier - a.tier || b.confidence - a.confidence);

  const generator = layers[0]?.tier ? layers[0] : null;
  const alsoSeen = layers
    .filter((layer) => layer !== generator)
    .map((layer) => ({ name: layer.gateway, confidence: layer.confidence, evidence: evidenceOf(layer.own) }));
  const name = generator?.gateway ?? "unknown";
  const hint = detectHint(name, response);

  return {
    name,
    confidence: generator?.confidence ?? 0,
    evidence: generator ? evidenceOf(generator.own) : [],
    basis: generator ? (generator.tier === 2 ? "error page" : "server header") : null,
    alsoSeen,
    originServer,
    upstreamHint: hint?.hint ?? null,
    hintSource: hint?.source ?? null,
  };
}

function normalise(input: FingerprintInput): NormalisedResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value.trim();
  const body = input.body === null ? null : input.body.slice(0, MAX_BODY_CHARS).replace(/\s+/g, " ").trim();
  return { status: input.status, headers, body };
}

function matchSignatures(response: NormalisedResponse): SignalMatch[] {
  // A default error page only means something on an error; a healthy page may quote anything.
  const isError = response.status === null || response.status >= 400;
  const matches: SignalMatch[] = [];
  for (const signature of SIGNATURES) {
    if (signature.role === "page" && !isError) continue;
    const evidence = signature.when.map((condition) => checkCondition(condition, response));
    if (evidence.every((e): e is string => e !== null)) {
      matches.push({ gateway: signature.gateway, role: signature.role, weight: signature.weight, evidence });
    }
  }
  return matches;
}

/** Evidence text when the condition holds, null otherwise. */
function checkCondition(condition: Condition, response: NormalisedResponse): string | null {
  if ("header" in condition) {
    const wanted = condition.header;
    const found = Object.entries(response.headers).find(
      ([name, value]) =>
        (typeof wanted === "string" ? name === wanted : wanted.test(name)) && (condition.value?.test(value) ?? true),
    );
    return found ? `${displayHeaderName(found[0])}: ${clip(found[1])}` : null;
  }
  if ("body" in condition) {
    const match = response.body === null ? null : condition.body.exec(response.body);
    return match ? `body: "${clip(match[0])}"` : null;
  }
  if ("status" in condition) {
    return response.status !== null && condition.status.includes(response.status) ? `status ${response.status}` : null;
  }
  return response.body === "" ? "empty body" : null;
}

function applySpecialisations(matches: SignalMatch[]): SignalMatch[] {
  return SPECIALISATIONS.reduce(
    (current, [specialised, base]) =>
      current.some((m) => m.gateway === specialised)
        ? current.map((m) => (m.gateway === base ? { ...m, gateway: specialised } : m))
        : current,
    matches,
  );
}

/** 2: its own error page; 1: its Server header, not contradicted; 0: only seen on the path. */
function generatorTier(own: SignalMatch[], originAnswered: boolean): 0 | 1 | 2 {
  if (own.some((m) => m.role === "page")) return 2;
  const relayed = originAnswered || own.some((m) => m.role === "relayed");
  return !relayed && own.some((m) => m.role === "server") ? 1 : 0;
}

/** Independent signals reinforce each other (noisy-OR), so two weak hints beat one. */
function combine(matches: SignalMatch[]): number {
  const doubt = matches.reduce((product, m) => product * (1 - m.weight), 1);
  return Math.round(Math.min(1 - doubt, MAX_CONFIDENCE) * 100) / 100;
}

function gatewaysIn(matches: SignalMatch[]): GatewayName[] {
  return [...new Set(matches.map((m) => m.gateway))];
}

/** Strongest signal first, so a reader sees the decisive clue at the top. */
function evidenceOf(matches: SignalMatch[]): string[] {
  const strongestFirst = [...matches].sort((a, b) => b.weight - a.weight);
  return [...new Set(strongestFirst.flatMap((m) => m.evidence))];
}

function detectOriginServer(headers: Record<string, string>): GatewayFingerprint["originServer"] {
  for (const origin of ORIGIN_SERVERS) {
    const value = headers[origin.header];
    if (value !== undefined && origin.value.test(value)) {
      return { name: origin.name, evidence: `${displayHeaderName(origin.header)}: ${clip(value)}` };
    }
  }
  return null;
}

/**
 * Only a recognised gateway's own wording is interpreted: an application's error text
 * ("ECONNREFUSED" from its database driver, say) describes the app's dependencies, not the
 * gateway's upstream.
 */
function detectHint(
  generator: GatewayName | "unknown",
  response: NormalisedResponse,
): { hint: UpstreamHint; source: string } | null {
  const text = [...HINT_HEADERS.map((name) => response.headers[name] ?? ""), response.body ?? ""].join("\n");
  for (const rule of HINT_RULES) {
    if ("text" in rule) {
      const match = generator === "unknown" ? null : rule.text.exec(text);
      if (match) return { hint: rule.hint, source: clip(match[0]) };
    } else if (
      response.status !== null &&
      rule.status.includes(response.status) &&
      (rule.gateway === undefined || rule.gateway === generator)
    ) {
      return { hint: rule.hint, source: rule.source };
    }
  }
  return null;
}

function displayHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function clip(text: string): string {
  return text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : text;
}
