// The REST API's conventions in one place: JSON errors naming the field, 401 without a user,
// 404 for anything that is not the caller's, 403 for cross-site cookie calls, 429 over the limit.
import { NextResponse } from "next/server";
import { apiCaller, type ApiCaller } from "../auth/session";
import { apiRateLimitPerMinute, trustedOrigins } from "../config";
import type { FieldError } from "../monitors/schema";
import { logger } from "../logger";
import { consumeRateLimit } from "../security/rate-limit";

export function apiError(status: number, message: string, field: string | null = null): NextResponse {
  return NextResponse.json({ error: { field, message } }, { status });
}

export function validationError(errors: FieldError[]): NextResponse {
  return apiError(400, errors[0].message, errors[0].field);
}

export const notFound = () => apiError(404, "Not found");

/** The request body as JSON, or a 400 response saying why it is not. */
export async function readJsonBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: NextResponse }> {
  const text = await request.text();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: apiError(400, "The request body is not valid JSON") };
  }
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Whether a browser request comes from Hopwatch's own pages. Browsers send Origin with every
 * POST/PUT/PATCH/DELETE; without it, only Sec-Fetch-Site can vouch for the request.
 */
function isFromOwnOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) return trustedOrigins().includes(origin);
  return request.headers.get("sec-fetch-site") === "same-origin";
}

/** A session cookie rides along on requests other sites make: they may read, never change. */
function crossSiteRefusal(request: Request, caller: ApiCaller): NextResponse | null {
  if (caller.via !== "session" || !UNSAFE_METHODS.has(request.method) || isFromOwnOrigin(request)) return null;
  const origin = request.headers.get("origin");
  return apiError(
    403,
    `Cross-site request refused: changes made with a session cookie must come from Hopwatch's own pages (this one came from ${origin ?? "an unknown origin"}). Scripts should send an API key as Authorization: Bearer <key>.`,
  );
}

async function rateLimitRefusal(caller: ApiCaller): Promise<NextResponse | null> {
  const max = apiRateLimitPerMinute();
  if (max === 0) return null;
  const key = caller.via === "api-key" ? `api:key:${caller.keyId}` : `api:user:${caller.userId}`;
  const verdict = await consumeRateLimit(key, { max, windowSeconds: 60 });
  if (verdict.allowed) return null;
  const response = apiError(429, `Too many requests: at most ${max} a minute per API key (per user for the browser). Try again in ${verdict.retryAfterSeconds} s.`);
  response.headers.set("retry-after", String(verdict.retryAfterSeconds));
  return response;
}

/**
 * Wraps a route handler: resolves the caller (API key or session cookie), refuses cross-site
 * cookie calls and callers over the rate limit, and turns unexpected failures into a JSON 500
 * that says what to do, never a stack trace.
 */
export function withApiUser<Context>(handler: (request: Request, userId: string, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const caller = await apiCaller(request);
      if (!caller) return apiError(401, "Sign in, or send an API key as Authorization: Bearer <key> (create one under Settings)");
      const refusal = crossSiteRefusal(request, caller) ?? (await rateLimitRefusal(caller));
      if (refusal) return refusal;
      return await handler(request, caller.userId, context);
    } catch (error) {
      logger.error({ err: error, path: new URL(request.url).pathname }, "API request failed");
      return apiError(500, "Hopwatch could not handle this request; the server log has the details. Try again shortly.");
    }
  };
}
