import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { listApiKeys } from "@/lib/auth/api-keys";
import { ApiKeys } from "@/components/settings/api-keys";
import { Card } from "@/components/ui";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  const keys = await listApiKeys(user.id);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-xl font-semibold">Settings</h1>
      <Card className="p-5">
        <h2 className="text-base font-semibold">Account</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Signed in as <span className="font-medium text-zinc-900 dark:text-zinc-100">{user.email}</span>
        </p>
      </Card>
      <Card className="p-5">
        <h2 className="text-base font-semibold">Notifications</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Alert channels (email, webhooks), reminders, which monitors alert where, and the delivery log:{" "}
          <Link href="/settings/notifications" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            Notification settings →
          </Link>
        </p>
      </Card>
      <Card className="p-5">
        <h2 className="mb-3 text-base font-semibold">API keys</h2>
        <ApiKeys
          keys={keys.map((key) => ({ ...key, createdAt: key.createdAt.toISOString(), lastUsedAt: key.lastUsedAt?.toISOString() ?? null }))}
        />
      </Card>
    </div>
  );
}
