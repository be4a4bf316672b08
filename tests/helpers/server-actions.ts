// Calling the built app's Server Actions over HTTP the way the browser does: POST to a page that
// hosts the action, with its id in Next-Action and the arguments encoded as React's encodeReply
// would (JSON, or multipart when an argument is a FormData).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

type ManifestEntry = { workers: Record<string, unknown>; filename: string; exportedName: string };

/** "file#export" of every Server Action in the build → its id and the pages that host it. */
export function builtServerActions(): Map<string, { id: string; pages: string[] }> {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, ManifestEntry> };
  const actions = new Map<string, { id: string; pages: string[] }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    // "app/(dashboard)/monitors/[id]/page" → "/monitors/[id]"
    const pages = Object.keys(entry.workers).map((worker) => worker.replace(/^app/, "").replace(/\/\([^)]*\)/g, "").replace(/\/page$/, "") || "/");
    actions.set(`${entry.filename}#${entry.exportedName}`, { id, pages });
  }
  return actions;
}

/** "file#export" of every function exported by a "use server" file under app/, read from the sources. */
export function sourceServerActions(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name)) {
        const source = readFileSync(file, "utf8");
        if (!/^\s*["']use server["'];?/.test(source)) continue;
        for (const match of source.matchAll(/^export\s+(?:async\s+)?(?:function\s+|const\s+)(\w+)/gm)) found.push(`${path.relative(".", file)}#${match[1]}`);
      }
    }
  };
  walk("app");
  return found.sort();
}

function encodeString(value: unknown): unknown {
  // encodeReply escapes strings that start with "$".
  return typeof value === "string" && value.startsWith("$") ? `$${value}` : value;
}

/** The request body and content type encodeReply would produce for these arguments. */
function encodeArgs(args: unknown[]): { body: string | FormData; contentType?: string } {
  const formIndex = args.findIndex((arg) => arg instanceof FormData);
  if (formIndex === -1) return { body: JSON.stringify(args.map(encodeString)), contentType: "text/plain;charset=UTF-8" };
  const body = new FormData();
  for (const [name, value] of (args[formIndex] as FormData).entries()) body.append(`_1_${name}`, value);
  body.append("0", JSON.stringify(args.map((arg, index) => (index === formIndex ? "$K1" : encodeString(arg)))));
  return { body };
}

export async function callServerAction(
  baseUrl: string,
  action: { id: string; page: string },
  args: unknown[],
  request: { cookie: string; origin?: string | null },
): Promise<Response> {
  const { body, contentType } = encodeArgs(args);
  const headers: Record<string, string> = { "next-action": action.id, accept: "text/x-component", cookie: request.cookie };
  if (contentType) headers["content-type"] = contentType;
  if (request.origin !== null) headers.origin = request.origin ?? baseUrl;
  const response = await fetch(`${baseUrl}${action.page}`, { method: "POST", headers, body, redirect: "manual" });
  await response.arrayBuffer();
  return response;
}
