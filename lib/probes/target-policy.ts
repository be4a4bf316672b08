/**
 * The SSRF policy behind BLOCK_PRIVATE_TARGETS: with it on, monitors may only reach public
 * unicast addresses. It is checked when a monitor is saved (lib/monitors/service.ts) and again
 * on every connection a probe opens (connection.ts), after DNS resolution and on every redirect
 * hop, so a name that later resolves somewhere internal (DNS rebinding) is refused too.
 */
import { promises as dns } from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { allowedPrivateTargets, blockPrivateTargets } from "../config";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type AddressRange = [Address, number];

const RANGE_NAMES: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private network address",
  uniqueLocal: "a unique local (private) IPv6 address",
};

// Instance metadata services hand out cloud credentials: the classic SSRF prize.
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254"]);
const GLOBAL_UNICAST_V6: AddressRange = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN: AddressRange = ipaddr.parseCIDR("64:ff9b::/96");

/**
 * Why `text` may not be probed under BLOCK_PRIVATE_TARGETS ("a loopback address"), or null when
 * it is a public unicast address or inside one of the `allowed` ranges. Pure.
 */
export function blockedAddressReason(text: string, allowed: readonly AddressRange[] = []): string | null {
  if (!ipaddr.isValid(text)) return "not an IP address";
  const address = ipaddr.parse(text);
  // An IPv6 address that carries an IPv4 one reaches that IPv4 address: judge that instead.
  const effective = embeddedIPv4(address) ?? address;
  if (allowed.some((range) => inRange(address, range) || inRange(effective, range))) return null;
  if (METADATA_ADDRESSES.has(effective.toString())) return "the cloud metadata service";
  const range = effective.range();
  const isPublic = range === "unicast" && (effective.kind() === "ipv4" || inRange(effective, GLOBAL_UNICAST_V6));
  return isPublic ? null : (RANGE_NAMES[range] ?? "a reserved address");
}

function inRange(address: Address, [network, bits]: AddressRange): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

function embeddedIPv4(address: Address): ipaddr.IPv4 | null {
  if (address.kind() !== "ipv6") return null;
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const [a, b, c, d, e, f, g, h] = v6.parts;
  const fromParts = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), 64:ff9b::a.b.c.d (NAT64)
  if (range === "ipv4Mapped" || range === "rfc6145" || inRange(v6, NAT64_WELL_KNOWN)) return fromParts(g, h);
  // IPv4-compatible ::a.b.c.d (deprecated, still parsed by some stacks)
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && (g !== 0 || h > 1)) return fromParts(g, h);
  if (range === "6to4") return fromParts(b, c); // 2002:AABB:CCDD::/48
  return null;
}

/** Thrown by a probe instead of connecting; classified as UNKNOWN with this message. */
export class BlockedTargetError extends Error {
  readonly code = "BLOCKED_TARGET";
  constructor(host: string, address: string, reason: string) {
    const where = host === address ? address : `${host} (${address})`;
    super(`Refused to connect to ${where}: it is ${reason}, and BLOCK_PRIVATE_TARGETS is on`);
    this.name = "BlockedTargetError";
  }
}

/** At probe time: throws BlockedTargetError when the policy is on and `address` is off limits. */
export function assertAddressAllowed(host: string, address: string): void {
  if (!blockPrivateTargets()) return;
  const reason = blockedAddressReason(address, allowedPrivateTargets());
  if (reason) throw new BlockedTargetError(host, address, reason);
}

/**
 * When a monitor is saved: why its target host may not be monitored, or null. A name is judged by
 * every address it resolves to now; one that does not resolve is let through (the probe checks
 * again, every time).
 */
export async function refusedHostReason(host: string): Promise<string | null> {
  if (!blockPrivateTargets()) return null;
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  let addresses: string[];
  try {
    addresses = net.isIP(bare) ? [bare] : (await dns.lookup(bare, { all: true })).map((record) => record.address);
  } catch {
    return null;
  }
  const allowed = allowedPrivateTargets();
  for (const address of addresses) {
    const reason = blockedAddressReason(address, allowed);
    if (reason) return address === bare ? `${bare} is ${reason}` : `${bare} resolves to ${address}, ${reason}`;
  }
  return null;
}
