/**
 * A real nginx reverse proxy on loopback for tests: our own process with a config written here,
 * every path it writes (pid, logs, temp dirs) inside a throwaway directory, never the system
 * service. See /work/shared/STACK.md, "Real gateways".
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const NGINX_BINARY = "/usr/sbin/nginx";

/** Why the nginx tests cannot run here, or null when they can. CI installs nginx, so it must not skip there. */
export function nginxUnavailableReason(): string | null {
  if (existsSync(NGINX_BINARY)) return null;
  if (process.env.CI) return null; // let the tests fail loudly: CI is supposed to have it
  return `${NGINX_BINARY} is missing: install nginx (apt-get install -y nginx-light) to run the real-gateway tests`;
}

export type NginxOptions = {
  /** proxy_pass goes to http://127.0.0.1:<upstreamPort>. */
  upstreamPort: number;
  /** proxy_read_timeout; nginx's default is 60 s. */
  proxyReadTimeoutSeconds?: number;
  /** proxy_connect_timeout; nginx's default is 60 s. */
  proxyConnectTimeoutSeconds?: number;
  /** Extra directives placed inside `location / { … }`. */
  locationExtra?: string;
};

export type NginxServer = {
  port: number;
  /** The directory holding the config, logs and temp paths (removed by stop()). */
  dir: string;
  /** nginx's error.log so far: the reason it gave for each 502/504. */
  errorLog: () => string;
  stop: () => Promise<void>;
};

const START_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 2_000;
/** A free port can be taken between our probe and nginx's bind(); try again with another one. */
const START_ATTEMPTS = 3;

export async function startNginx(options: NginxOptions): Promise<NginxServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(options, await freeLoopbackPort());
    } catch (err) {
      lastError = err;
      if (!/Address already in use/.test(String(err))) break;
    }
  }
  throw lastError;
}

async function startOnce(options: NginxOptions, port: number): Promise<NginxServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "hopwatch-nginx-"));
  const file = (name: string) => path.join(dir, name);
  const configPath = file("nginx.conf");
  writeFileSync(configPath, nginxConfig(options, port, dir));

  // -p: prefix for any relative path; -e: the error log used before the config is read
  // (the Debian build's default is stderr, but an explicit file keeps it out of test output).
  const child = spawn(NGINX_BINARY, ["-p", dir, "-c", configPath, "-e", file("error.log"), "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const errorLog = () => (existsSync(file("error.log")) ? readFileSync(file("error.log"), "utf8") : "");

  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilAccepting(port, child, () => `${output}${errorLog()}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, dir, errorLog, stop };
}

function nginxConfig(options: NginxOptions, port: number, dir: string): string {
  const p = (name: string) => path.join(dir, name);
  const seconds = (value: number | undefined, directive: string) => (value === undefined ? "" : `${directive} ${value}s;`);
  return `# Written by tests/helpers/nginx.ts
master_process off;
worker_processes 1;
pid ${p("nginx.pid")};
error_log ${p("error.log")} info;

events {
  worker_connections 64;
}

http {
  access_log ${p("access.log")};
  client_body_temp_path ${p("client_body")};
  proxy_temp_path ${p("proxy")};
  fastcgi_temp_path ${p("fastcgi")};
  uwsgi_temp_path ${p("uwsgi")};
  scgi_temp_path ${p("scgi")};

  server {
    listen 127.0.0.1:${port};
    server_name localhost;

    location / {
      proxy_pass http://127.0.0.1:${options.upstreamPort};
      ${seconds(options.proxyReadTimeoutSeconds, "proxy_read_timeout")}
      ${seconds(options.proxyConnectTimeoutSeconds, "proxy_connect_timeout")}
      ${options.locationExtra ?? ""}
    }
  }
}
`;
}

async function waitUntilAccepting(port: number, child: ChildProcess, logs: () => string): Promise<void> {
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => reject(new Error(`nginx exited (${code ?? signal}) before accepting connections:\n${logs()}`))),
  );
  exited.catch(() => {}); // only observed through the race below
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) await exited;
    if (await accepts(port)) return;
    if (Date.now() > deadline) throw new Error(`nginx did not accept connections on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms:\n${logs()}`);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 25)), exited]);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM"); // nginx: fast shutdown
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
