"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { deleteMonitorAction, setMonitorEnabledAction } from "@/app/(dashboard)/monitors/actions";
import { Button, buttonClass } from "@/components/ui";

export function MonitorActions({ monitorId, name, enabled }: { monitorId: string; name: string; enabled: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Link href={`/monitors/${monitorId}/edit`} className={buttonClass("secondary")}>
        Edit
      </Link>
      <Button variant="secondary" disabled={pending} onClick={() => startTransition(() => setMonitorEnabledAction(monitorId, !enabled))}>
        {enabled ? "Pause" : "Resume"}
      </Button>
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        Delete
      </Button>
      {confirming ? (
        <div role="dialog" aria-modal="true" aria-labelledby="delete-title" className="fixed inset-0 z-50 flex items-center justify-center bg-black/40 p-4">
          <div className="w-full max-w-sm rounded-lg bg-white p-5 shadow-xl dark:bg-zinc-900">
            <h2 id="delete-title" className="text-base font-semibold">
              Delete {name}?
            </h2>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Its checks and history are deleted too. This cannot be undone.</p>
            <div className="mt-4 flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirming(false)} disabled={pending}>
                Cancel
              </Button>
              <Button variant="danger" disabled={pending} onClick={() => startTransition(() => deleteMonitorAction(monitorId))}>
                {pending ? "Deleting…" : "Delete monitor"}
              </Button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}
