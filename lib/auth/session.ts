// Who is asking: the signed-in user of a page, Server Action or API request.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getAuth } from "./auth";
import { findApiKey } from "./api-keys";

export type SessionUser = { id: string; email: string; name: string };

/** For pages and Server Actions: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

export async function currentUser(): Promise<SessionUser | null> {
  // Read the request first: it marks the page dynamic before anything touches the database
  // (otherwise the build would try to prerender it).
  const requestHeaders = await headers();
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers: requestHeaders });
  return session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null;
}

/** Who makes an API request, and how: scripts with an API key, the browser with its session cookie. */
export type ApiCaller = { userId: string; via: "api-key"; keyId: string } | { userId: string; via: "session" };

/** For API routes: the caller behind a Bearer API key or the session cookie, or null. */
export async function apiCaller(request: Request): Promise<ApiCaller | null> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const key = match ? await findApiKey(match[1]) : null;
    return key ? { userId: key.userId, via: "api-key", keyId: key.keyId } : null;
  }
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers: request.headers });
  return session ? { userId: session.user.id, via: "session" } : null;
}
