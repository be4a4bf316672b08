import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { listMonitors } from "@/lib/monitors/service";
import { StateBadge } from "@/components/monitors/state-badge";
import { Card, buttonClass } from "@/components/ui";

export const metadata: Metadata = { title: "Monitors" };

export default async function MonitorsPage() {
  const user = await requireUser();
  const monitors = await listMonitors(user.id);
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">Monitors</h1>
        <Link href="/monitors/new" className={buttonClass()}>
          Add monitor
        </Link>
      </div>
      {monitors.length === 0 ? (
        <Card className="p-10 text-center">
          <h2 className="text-base font-semibold">No monitors yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
            Add the URL of an API endpoint. Hopwatch checks it on a schedule, confirms failures before calling it down, and when a
            gateway answers 502 it tells you which hop failed.
          </p>
          <Link href="/monitors/new" className={`${buttonClass()} mt-4`}>
            Add your first monitor
          </Link>
        </Card>
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
              <tr>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="hidden px-4 py-2 font-medium md:table-cell">URL</th>
                <th className="hidden px-4 py-2 font-medium sm:table-cell">Every</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {monitors.map((monitor) => (
                <tr key={monitor.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50" data-monitor-row={monitor.name}>
                  <td className="px-4 py-2.5">
                    <StateBadge state={monitor.state} enabled={monitor.enabled} />
                  </td>
                  <td className="px-4 py-2.5 font-medium">
                    <Link href={`/monitors/${monitor.id}`} className="hover:underline">
                      {monitor.name}
                    </Link>
                  </td>
                  <td className="hidden max-w-xs truncate px-4 py-2.5 font-mono text-xs text-zinc-600 md:table-cell dark:text-zinc-400">{monitor.url}</td>
                  <td className="hidden px-4 py-2.5 text-zinc-600 sm:table-cell dark:text-zinc-400">{monitor.intervalSeconds}s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
