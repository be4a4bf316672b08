"use client";
import { useState, useTransition } from "react";
import { checkNowAction, type CheckNowState } from "@/app/(dashboard)/monitors/actions";
import { Button } from "@/components/ui";

export function CheckNowButton({ monitorId }: { monitorId: string }) {
  const [pending, startTransition] = useTransition();
  const [state, setState] = useState<CheckNowState>(null);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" disabled={pending} onClick={() => startTransition(async () => setState(await checkNowAction(monitorId)))}>
        {pending ? "Checking…" : "Check now"}
      </Button>
      {state ? (
        <span role="status" data-testid="check-now-result" className={`text-sm ${"error" in state ? "text-zinc-600" : state.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
          {"error" in state ? state.error : `${state.ok ? "OK" : state.errorKind}: ${state.message}${state.totalMs !== null ? ` · ${Math.round(state.totalMs)} ms` : ""}`}
        </span>
      ) : null}
    </div>
  );
}
