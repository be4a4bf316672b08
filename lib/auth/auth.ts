// better-auth: email + password accounts, sessions in PostgreSQL, httpOnly cookies.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db } from "../db";
import { persistentSecret, port, publicUrl } from "../config";

export const MIN_PASSWORD_LENGTH = 8;

function trustedOrigins(): string[] {
  const local = [`http://localhost:${port()}`, `http://127.0.0.1:${port()}`];
  const extra = (process.env.HOPWATCH_TRUSTED_ORIGINS || "").split(",").map((origin) => origin.trim()).filter(Boolean);
  return [publicUrl(), ...local, ...extra];
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
    rateLimit: {
      enabled: process.env.HOPWATCH_AUTH_RATE_LIMIT !== "off",
      storage: "database",
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: 10 },
        "/sign-up/email": { window: 60, max: 10 },
      },
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
