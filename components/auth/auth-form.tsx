"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/client";
import { authErrorMessage } from "@/lib/auth/messages";
import { Button, Field, Notice, inputClass } from "@/components/ui";

const MIN_PASSWORD_LENGTH = 8;

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const signingUp = mode === "sign-up";

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (signingUp && password.length < MIN_PASSWORD_LENGTH) {
      setError(authErrorMessage({ code: "PASSWORD_TOO_SHORT" }));
      return;
    }
    setPending(true);
    setError(null);
    const { error: failure } = signingUp
      ? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "").trim() || email.split("@")[0] })
      : await authClient.signIn.email({ email, password });
    setPending(false);
    if (failure) {
      setError(authErrorMessage(failure));
      return;
    }
    router.replace("/monitors");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error ? <Notice>{error}</Notice> : null}
      {signingUp ? (
        <Field label="Name" htmlFor="name">
          <input id="name" name="name" autoComplete="name" className={inputClass} />
        </Field>
      ) : null}
      <Field label="Email" htmlFor="email">
        <input id="email" name="email" type="email" required autoComplete="email" className={inputClass} />
      </Field>
      <Field label="Password" htmlFor="password" hint={signingUp ? "At least 8 characters." : undefined}>
        <input
          id="password"
          name="password"
          type="password"
          required
          autoComplete={signingUp ? "new-password" : "current-password"}
          className={inputClass}
        />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Please wait…" : signingUp ? "Create account" : "Sign in"}
      </Button>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        {signingUp ? (
          <>
            Already have an account? <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href="/sign-in">Sign in</Link>
          </>
        ) : (
          <>
            New to Hopwatch? <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href="/sign-up">Create an account</Link>
          </>
        )}
      </p>
    </form>
  );
}
