import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { smtpConfigured } from "@/lib/alerts/config";
import { deliveryLog, getReminderMinutes, listChannels, listMonitorChannels } from "@/lib/alerts/service";
import { Card, Notice } from "@/components/ui";
import { AddChannelForm, ChannelList } from "@/components/settings/notification-channels";
import { ReminderForm } from "@/components/settings/reminder-form";
import { MonitorChannelsForm } from "@/components/settings/monitor-channels";
import { DeliveryLog } from "@/components/settings/delivery-log";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const user = await requireUser();
  const [channels, reminderMinutes, monitors, log] = await Promise.all([
    listChannels(user.id),
    getReminderMinutes(user.id),
    listMonitorChannels(user.id),
    deliveryLog(user.id, 50),
  ]);
  const emailReady = smtpConfigured();
  return (
    <div className="max-w-5xl space-y-6">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold">Notifications</h1>
        <Link href="/settings" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
          ← Settings
        </Link>
      </div>
      {emailReady ? null : (
        <div data-testid="smtp-banner">
          <Notice tone="info">
            <strong>Email is not configured on this server.</strong> Alerts are still written to the outbox and listed in the delivery log
            below (webhooks are delivered), but no email leaves Hopwatch. To send email, set <code className="font-mono">SMTP_URL</code>{" "}
            (e.g. <code className="font-mono">smtp://user:password@smtp.example.com:587</code>, or <code className="font-mono">smtps://…:465</code>)
            and <code className="font-mono">ALERT_FROM</code> (e.g. <code className="font-mono">Hopwatch &lt;alerts@example.com&gt;</code>) in
            Hopwatch&apos;s environment and restart it. Pending alerts are retried for 24 hours, so recent ones still go out.
          </Notice>
        </div>
      )}
      <Card className="p-5">
        <h2 className="text-base font-semibold">Channels</h2>
        <p className="mb-3 mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Where alerts go: incidents opened and resolved, reminders while a monitor stays down, TLS certificates expiring within 14 days, and
          flapping. Failed deliveries are retried with backoff for up to 24 hours.
        </p>
        <ChannelList channels={channels} />
        <div className="mt-5 border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <AddChannelForm />
        </div>
      </Card>
      <Card className="p-5">
        <h2 className="mb-3 text-base font-semibold">Reminders</h2>
        <ReminderForm reminderMinutes={reminderMinutes} />
      </Card>
      <Card className="p-5">
        <h2 className="text-base font-semibold">Channels per monitor</h2>
        <p className="mb-3 mt-1 text-sm text-zinc-600 dark:text-zinc-400">By default every channel gets every monitor&apos;s alerts, including channels you add later.</p>
        <MonitorChannelsForm monitors={monitors} channels={channels.map((channel) => ({ id: channel.id, name: channel.name, type: channel.type }))} />
      </Card>
      <Card>
        <h2 className="border-b border-zinc-200 px-4 py-2.5 text-base font-semibold dark:border-zinc-800">Delivery log</h2>
        <DeliveryLog
          alerts={log.map((alert) => ({
            id: alert.id,
            event: alert.event,
            status: alert.status,
            sequence: alert.sequence,
            monitorName: alert.monitor?.name ?? null,
            incidentId: alert.incidentId,
            channel: `${alert.channel.name}`,
            attempts: alert.attempts,
            lastError: alert.lastError,
            createdAt: alert.createdAt.toISOString(),
            nextAttemptAt: alert.status === "PENDING" ? alert.nextAttemptAt.toISOString() : null,
            sentAt: alert.sentAt?.toISOString() ?? null,
            subject: alert.subject,
            text: alert.text,
            attemptLog: alert.attemptLog.map((attempt) => ({ ...attempt, at: attempt.at.toISOString() })),
          }))}
        />
      </Card>
    </div>
  );
}
