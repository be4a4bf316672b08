// better-auth: email + password accounts, sessions in PostgreSQL, httpOnly cookies.
import { createHash } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { db } from "../db";
import { persistentSecret, publicUrl, trustedOrigins, trustedProxies } from "../config";
import { consumeRateLimit, resetRateLimit, type RateLimitRule } from "../security/rate-limit";

export const MIN_PASSWORD_LENGTH = 8;

// Password guessing is limited per account as well as per IP (rateLimit below), so spreading
// attempts over many addresses gains nothing. Every attempt counts; a successful one clears them.
export const ACCOUNT_PASSWORD_ATTEMPTS: RateLimitRule = { max: 5, windowSeconds: 15 * 60 };
// Endpoints where a signed-in user (or whoever holds the session) proves the password.
const SESSION_PASSWORD_PATHS = new Set(["/change-password", "/verify-password"]);

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** The account a password attempt is aimed at, as a rate-limit key; null for other requests. */
async function passwordAttemptKey(ctx: HookContext): Promise<string | null> {
  if (ctx.path === "/sign-in/email") {
    const email: unknown = ctx.body?.email;
    // Hashed: a fixed-length key, and no attacker-chosen text stored.
    return typeof email === "string" ? `password:email:${createHash("sha256").update(email.trim().toLowerCase()).digest("hex")}` : null;
  }
  if (ctx.path && SESSION_PASSWORD_PATHS.has(ctx.path)) {
    const session = await getSessionFromCtx(ctx);
    return session ? `password:user:${session.user.id}` : null;
  }
  return null;
}

async function createAuth() {
  const prisma = await db();
  return betterAuth({
    appName: "Hopwatch",
    baseURL: publicUrl(),
    secret: persistentSecret("BETTER_AUTH_SECRET", "auth-secret"),
    trustedOrigins: trustedOrigins(),
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    emailAndPassword: { enabled: true, minPasswordLength: MIN_PASSWORD_LENGTH, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    advanced: { ipAddress: { trustedProxies: trustedProxies() } },
    // Per client IP (X-Forwarded-For, see HOPWATCH_TRUSTED_PROXIES), counted in the database.
    rateLimit: {
      enabled: process.env.HOPWATCH_AUTH_RATE_LIMIT !== "off",
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: 10 },
        "/sign-up/email": { window: 60, max: 10 },
        "/change-password": { window: 60, max: 5 },
        "/verify-password": { window: 60, max: 5 },
        "/reset-password": { window: 60, max: 5 },
        "/request-password-reset": { window: 60, max: 3 },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (process.env.HOPWATCH_AUTH_RATE_LIMIT === "off") return;
        const key = await passwordAttemptKey(ctx);
        if (!key) return;
        const verdict = await consumeRateLimit(key, ACCOUNT_PASSWORD_ATTEMPTS);
        if (verdict.allowed) return;
        const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
        throw new APIError(
          "TOO_MANY_REQUESTS",
          { code: "TOO_MANY_ATTEMPTS", message: `Too many password attempts for this account. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` },
          { "Retry-After": String(verdict.retryAfterSeconds) },
        );
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (isAPIError(ctx.context.returned)) return;
        const key = await passwordAttemptKey(ctx);
        if (key) await resetRateLimit(key);
      }),
    },
    telemetry: { enabled: false },
    plugins: [nextCookies()],
  });
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;

const globalForAuth = globalThis as unknown as { hopwatchAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  globalForAuth.hopwatchAuth ??= createAuth().catch((error) => {
    globalForAuth.hopwatchAuth = undefined;
    throw error;
  });
  return globalForAuth.hopwatchAuth;
}
