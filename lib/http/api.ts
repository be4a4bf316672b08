// The REST API's conventions in one place: JSON errors naming the field, 401 without a user,
// 404 for anything that is not the caller's.
import { NextResponse } from "next/server";
import { apiUserId } from "../auth/session";
import type { FieldError } from "../monitors/schema";
import { logger } from "../logger";

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

/**
 * Wraps a route handler: resolves the caller (API key or session cookie) and turns unexpected
 * failures into a JSON 500 that says what to do, never a stack trace.
 */
export function withApiUser<Context>(handler: (request: Request, userId: string, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      const userId = await apiUserId(request);
      if (!userId) return apiError(401, "Sign in, or send an API key as Authorization: Bearer <key> (create one under Settings)");
      return await handler(request, userId, context);
    } catch (error) {
      logger.error({ err: error, path: new URL(request.url).pathname }, "API request failed");
      return apiError(500, "Hopwatch could not handle this request; the server log has the details. Try again shortly.");
    }
  };
}
