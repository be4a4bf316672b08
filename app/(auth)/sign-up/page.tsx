import type { Metadata } from "next";
import { AuthForm } from "@/components/auth/auth-form";

export const metadata: Metadata = { title: "Create your account" };

export default function SignUpPage() {
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Create your account</h1>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">Monitor your APIs and find out which hop failed when they return 502.</p>
      <AuthForm mode="sign-up" />
    </>
  );
}
