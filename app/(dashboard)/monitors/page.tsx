import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { requireUser } from "@/lib/auth/session";
import { getOverview } from "@/lib/stats/service";
import { OverviewLive } from "@/components/dashboard/overview";
import { OverviewSkeleton } from "@/components/dashboard/skeletons";
import { Card, buttonClass } from "@/components/ui";

export const metadata: Metadata = { title: "Monitors" };

async function OverviewData({ userId }: { userId: string }) {
  const overview = await getOverview(userId);
  if (overview.monitors.length === 0) {
    return (
      <Card className="p-10 text-center">
        <h2 className="text-base font-semibold">No monitors yet</h2>
        <p className="mx-auto mt-1 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
          Add the URL of an API endpoint. Hopwatch checks it on a schedule, confirms failures before calling it down, and when a
          gateway answers 502 it tells you which hop failed.
        </p>
        <Link href="/monitors/new" className={`${buttonClass()} mt-4`}>
          Add your first monitor
        </Link>
        <p className="mx-auto mt-6 max-w-md text-xs text-zinc-500 dark:text-zinc-400">
          Once checks run, this page shows each monitor&apos;s uptime, p95 latency and a 90-day history with its 502s, refreshed every
          10 seconds.
        </p>
      </Card>
    );
  }
  return <OverviewLive initial={overview} />;
}

export default async function MonitorsPage() {
  const user = await requireUser();
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">Monitors</h1>
        <Link href="/monitors/new" className={buttonClass()}>
          Add monitor
        </Link>
      </div>
      <Suspense fallback={<OverviewSkeleton />}>
        <OverviewData userId={user.id} />
      </Suspense>
    </div>
  );
}
