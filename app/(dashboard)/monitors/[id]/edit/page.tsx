import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { getMonitor } from "@/lib/monitors/service";
import { monitorToFormValues } from "@/lib/monitors/form";
import { MonitorForm } from "@/components/monitors/monitor-form";
import { Card } from "@/components/ui";

export const metadata: Metadata = { title: "Edit monitor" };

export default async function EditMonitorPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const monitor = await getMonitor(user.id, id);
  if (!monitor) notFound();
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-xl font-semibold">Edit {monitor.name}</h1>
      <Card className="p-6">
        <MonitorForm monitorId={monitor.id} initial={monitorToFormValues(monitor)} />
      </Card>
    </div>
  );
}
