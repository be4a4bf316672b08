import type { Metadata } from "next";
import { MonitorForm } from "@/components/monitors/monitor-form";
import { NEW_MONITOR_VALUES } from "@/lib/monitors/form";
import { Card } from "@/components/ui";

export const metadata: Metadata = { title: "Add monitor" };

export default function NewMonitorPage() {
  return (
    <div className="max-w-3xl space-y-4">
      <h1 className="text-xl font-semibold">Add monitor</h1>
      <Card className="p-6">
        <MonitorForm monitorId={null} initial={NEW_MONITOR_VALUES} />
      </Card>
    </div>
  );
}
