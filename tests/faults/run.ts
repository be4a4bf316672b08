// `npm run test:faults [-- <scenario>… --flag value…]`: runs the fault and load scenarios (all of
// them by default) against real worker processes on the local PostgreSQL server, prints what
// each injected and observed, writes bench/results/faults-<scenario>-<time>.json, and exits 1 if
// any scenario found a loss, a duplicate or a broken promise.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { postgresIsReachable } from "../helpers/postgres";
import { dbRestart } from "./db-restart";
import type { Flags, Scenario } from "./harness";
import { load } from "./load";
import { smtpOutage } from "./smtp-outage";
import { workerCrash } from "./worker-crash";
import { workerStall } from "./worker-stall";

const SCENARIOS: Scenario[] = [workerCrash, workerStall, dbRestart, smtpOutage, load];
const ROOT = path.resolve(import.meta.dirname, "../..");

// Scenario names, and `--name value` / `--name=value` flags that each scenario reads as it needs.
const positionals: string[] = [];
const flags: Flags = {};
for (let args = process.argv.slice(2), i = 0; i < args.length; i++) {
  const flag = /^--([^=]+)(?:=(.*))?$/.exec(args[i]);
  if (!flag) positionals.push(args[i]);
  else if (flag[2] !== undefined) flags[flag[1]] = flag[2];
  else flags[flag[1]] = args[i + 1] === undefined || args[i + 1].startsWith("--") ? "true" : args[++i];
}
const unknown = positionals.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
if (flags.help || unknown.length > 0) {
  console.log(`npm run test:faults -- [scenario…] [--flag value…]\n\nScenarios (all by default):\n${SCENARIOS.map((s) => `  ${s.name.padEnd(14)}${s.summary}`).join("\n")}`);
  console.log("\nFlags (each scenario reads the ones it knows): --monitors N --interval S --duration S, and see each file's header.");
  process.exit(unknown.length > 0 ? 2 : 0);
}
if (!(await postgresIsReachable())) {
  console.error("PostgreSQL is not reachable on TEST_DATABASE_URL (default 127.0.0.1:5432): the fault scenarios need it.");
  process.exit(2);
}

let failed = 0;
for (const scenario of SCENARIOS.filter((s) => positionals.length === 0 || positionals.includes(s.name))) {
  console.log(`\n=== ${scenario.name}: ${scenario.summary}`);
  const startedAt = new Date();
  const report = await scenario.run(flags);
  const verdict = report.problems.length === 0 ? "PASS" : "FAIL";
  if (verdict === "FAIL") failed++;
  console.log(`injected: ${JSON.stringify(report.injected, null, 2)}`);
  console.log(`observed: ${JSON.stringify(report.observed, null, 2)}`);
  for (const problem of report.problems.slice(0, 50)) console.log(`PROBLEM: ${problem}`);
  if (report.problems.length > 50) console.log(`… and ${report.problems.length - 50} more problems`);
  console.log(`${scenario.name}: ${verdict}`);
  mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  const file = path.join(ROOT, `bench/results/faults-${scenario.name}-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  const command = `npm run test:faults -- ${process.argv.slice(2).join(" ")}`.trim();
  writeFileSync(file, JSON.stringify({ scenario: scenario.name, command, startedAt, machine: { cpus: os.cpus().length, node: process.version }, verdict, ...report }, null, 2) + "\n");
  console.log(`written to ${path.relative(ROOT, file)}`);
}
process.exit(failed > 0 ? 1 : 0);
