"use client";
import { useActionState } from "react";
import { saveMonitorChannelsAction, type FormState } from "@/app/(dashboard)/settings/notifications/actions";
import { Button, Notice } from "@/components/ui";

const emptyState: FormState = { errors: {}, formError: null, saved: false };

type Props = {
  monitors: Array<{ monitorId: string; name: string; channelIds: string[] }>;
  channels: Array<{ id: string; name: string; type: string }>;
};

export function MonitorChannelsForm({ monitors, channels }: Props) {
  const [state, formAction, pending] = useActionState(saveMonitorChannelsAction, emptyState);
  if (monitors.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No monitors yet.</p>;
  return (
    <form action={formAction} className="space-y-3">
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
              <th className="py-1.5 pr-4 font-medium">Monitor</th>
              {channels.map((channel) => (
                <th key={channel.id} className="px-2 py-1.5 font-medium">
                  {channel.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {monitors.map((monitor) => (
              <tr key={monitor.monitorId}>
                <td className="py-1.5 pr-4">
                  <input type="hidden" name="monitor" value={monitor.monitorId} />
                  {monitor.name}
                </td>
                {channels.map((channel) => (
                  <td key={channel.id} className="px-2 py-1.5">
                    <input
                      type="checkbox"
                      name={`channels:${monitor.monitorId}`}
                      value={channel.id}
                      defaultChecked={monitor.channelIds.includes(channel.id)}
                      aria-label={`${monitor.name} alerts go to ${channel.name}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={pending}>
          Save channels per monitor
        </Button>
        {state.saved ? <Notice tone="success">Saved.</Notice> : null}
      </div>
    </form>
  );
}
