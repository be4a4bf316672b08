// The SSRF policy as a pure function: every internal range refused, public unicast let through,
// IPv6 forms that smuggle an IPv4 address judged by that address.
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { blockedAddressReason } from "@/lib/probes/target-policy";

const BLOCKED: Array<[string, RegExp]> = [
  // IPv4
  ["127.0.0.1", /loopback/],
  ["127.255.255.254", /loopback/],
  ["10.0.0.1", /private/],
  ["10.255.255.255", /private/],
  ["172.16.0.1", /private/],
  ["172.31.255.254", /private/],
  ["192.168.0.1", /private/],
  ["192.168.255.255", /private/],
  ["169.254.0.1", /link-local/],
  ["169.254.169.254", /metadata/],
  ["100.64.0.1", /carrier-grade NAT/],
  ["100.127.255.254", /carrier-grade NAT/],
  ["0.0.0.0", /unspecified/],
  ["0.1.2.3", /unspecified/],
  ["224.0.0.1", /multicast/],
  ["239.255.255.250", /multicast/],
  ["255.255.255.255", /broadcast/],
  ["240.0.0.1", /reserved/],
  ["192.0.2.10", /reserved/],
  ["198.18.0.1", /reserved/],
  // IPv6
  ["::1", /loopback/],
  ["::", /unspecified/],
  ["fc00::1", /unique local/],
  ["fd00::1", /unique local/],
  ["fd12:3456:789a::1", /unique local/],
  ["fd00:ec2::254", /metadata/],
  ["fe80::1", /link-local/],
  ["fe80::1%eth0", /link-local/],
  ["febf:ffff::1", /link-local/],
  ["ff02::1", /multicast/],
  ["fec0::1", /reserved/],
  ["2001:db8::1", /reserved/],
  ["100::1", /reserved/],
  ["2001::1", /reserved/], // Teredo
  // IPv6 carrying an internal IPv4 address
  ["::ffff:127.0.0.1", /loopback/],
  ["::ffff:7f00:1", /loopback/],
  ["::ffff:10.1.2.3", /private/],
  ["::ffff:169.254.169.254", /metadata/],
  ["::ffff:0:192.168.1.1", /private/],
  ["64:ff9b::127.0.0.1", /loopback/],
  ["64:ff9b::a00:1", /private/],
  ["2002:7f00:1::", /loopback/],
  ["2002:c0a8:101::1", /private/],
  ["::127.0.0.1", /loopback/],
  ["::10.0.0.1", /private/],
];

const ALLOWED = [
  "1.1.1.1",
  "8.8.8.8",
  "93.184.215.14",
  "172.15.255.255",
  "172.32.0.1",
  "192.169.0.1",
  "100.63.255.255",
  "100.128.0.1",
  "169.253.255.255",
  "11.0.0.1",
  "223.255.255.254",
  "2606:4700:4700::1111",
  "2a00:1450:4001:81b::200e",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
  "2002:808:808::1",
];

describe("blockedAddressReason", () => {
  it.each(BLOCKED)("refuses %s", (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each(ALLOWED)("allows %s", (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it("refuses what is not an IP address", () => {
    for (const text of ["", "localhost", "example.com", "1.2.3.4.5", "::g"]) expect(blockedAddressReason(text), text).toBe("not an IP address");
  });

  it("lets allowed ranges through, and only those", () => {
    const allowed = [ipaddr.parseCIDR("10.0.5.0/24"), ipaddr.parseCIDR("fd00:1::/64")];
    expect(blockedAddressReason("10.0.5.7", allowed)).toBeNull();
    expect(blockedAddressReason("::ffff:10.0.5.7", allowed)).toBeNull();
    expect(blockedAddressReason("fd00:1::9", allowed)).toBeNull();
    expect(blockedAddressReason("10.0.6.1", allowed)).toMatch(/private/);
    expect(blockedAddressReason("fd00:2::1", allowed)).toMatch(/unique local/);
    expect(blockedAddressReason("127.0.0.1", allowed)).toMatch(/loopback/);
  });

  it("refuses every address of the internal IPv4 ranges and no neighbour outside them", () => {
    const ranges = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"];
    for (const cidr of ranges) {
      const [network, bits] = ipaddr.IPv4.parseCIDR(cidr);
      const first = ipaddr.IPv4.networkAddressFromCIDR(cidr);
      const last = ipaddr.IPv4.broadcastAddressFromCIDR(cidr);
      for (const inside of [first, last, network]) expect(blockedAddressReason(inside.toString()), `${inside} in ${cidr}`).not.toBeNull();
      const toNumber = (address: ipaddr.IPv4) => address.octets.reduce((sum, octet) => sum * 256 + octet, 0);
      const fromNumber = (value: number) => new ipaddr.IPv4([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]).toString();
      for (let i = 0; i < 200; i++) {
        const offset = Math.floor(Math.random() * 2 ** (32 - bits));
        const address = fromNumber(toNumber(first) + offset);
        expect(blockedAddressReason(address), `${address} in ${cidr}`).not.toBeNull();
        expect(blockedAddressReason(`::ffff:${address}`), `::ffff:${address}`).not.toBeNull();
      }
    }
  });
});
