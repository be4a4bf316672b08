"use client";
import { useActionState, useState, useTransition } from "react";
import { addChannelAction, deleteChannelAction, sendTestAction, setChannelEnabledAction, type FormState } from "@/app/(dashboard)/settings/notifications/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";

export type ChannelRow = { id: string; type: "EMAIL" | "WEBHOOK"; name: string; destination: string; isAccount: boolean; enabled: boolean; signed: boolean };

type TestOutcome = { ok: boolean; message: string };

function ChannelItem({ channel }: { channel: ChannelRow }) {
  const [testing, startTest] = useTransition();
  const [changing, startChange] = useTransition();
  const [outcome, setOutcome] = useState<TestOutcome | null>(null);
  return (
    <li className="space-y-2 px-3 py-2.5 text-sm" data-testid="channel" data-channel-id={channel.id}>
      <div className="flex flex-wrap items-center gap-3">
        <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{channel.type === "EMAIL" ? "email" : "webhook"}</span>
        <span className="font-medium">{channel.name}</span>
        <span className="break-all text-zinc-600 dark:text-zinc-400">{channel.destination}</span>
        {channel.isAccount ? <span className="text-xs text-zinc-500">account email (default)</span> : null}
        {channel.type === "WEBHOOK" ? <span className="text-xs text-zinc-500">{channel.signed ? "signed (HMAC-SHA256)" : "unsigned"}</span> : null}
        {channel.enabled ? null : <span className="text-xs font-medium text-amber-700 dark:text-amber-400">off</span>}
        <div className="ml-auto flex gap-2">
          <Button
            variant="secondary"
            disabled={testing}
            data-testid="send-test"
            onClick={() =>
              startTest(async () => {
                setOutcome(null);
                setOutcome(await sendTestAction(channel.id));
              })
            }
          >
            {testing ? "Sending…" : "Send test"}
          </Button>
          <Button variant="secondary" disabled={changing} onClick={() => startChange(() => setChannelEnabledAction(channel.id, !channel.enabled))}>
            {channel.enabled ? "Turn off" : "Turn on"}
          </Button>
          {channel.isAccount ? null : (
            <Button variant="secondary" disabled={changing} onClick={() => startChange(() => deleteChannelAction(channel.id))}>
              Remove
            </Button>
          )}
        </div>
      </div>
      {outcome ? (
        <div data-testid="test-result">
          <Notice tone={outcome.ok ? "success" : "error"}>
            {outcome.ok ? "Test sent. " : "Test failed: "}
            <span className="break-all font-mono text-xs">{outcome.message}</span>
          </Notice>
        </div>
      ) : null}
    </li>
  );
}

export function ChannelList({ channels }: { channels: ChannelRow[] }) {
  return (
    <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
      {channels.map((channel) => (
        <ChannelItem key={channel.id} channel={channel} />
      ))}
    </ul>
  );
}

const emptyState: FormState = { errors: {}, formError: null, saved: false };

export function AddChannelForm() {
  const [type, setType] = useState<"EMAIL" | "WEBHOOK">("EMAIL");
  const [state, formAction, pending] = useActionState(addChannelAction, emptyState);
  return (
    <form action={formAction} className="space-y-3" key={state.saved ? "saved" : "form"}>
      <h3 className="text-sm font-semibold">Add a channel</h3>
      {state.formError ? <Notice>{state.formError}</Notice> : null}
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr_1fr]">
        <Field label="Type" htmlFor="channel-type">
          <select id="channel-type" name="type" className={inputClass} value={type} onChange={(event) => setType(event.target.value as "EMAIL" | "WEBHOOK")}>
            <option value="EMAIL">Email recipient</option>
            <option value="WEBHOOK">Webhook</option>
          </select>
        </Field>
        <Field
          label={type === "EMAIL" ? "Email address" : "Webhook URL"}
          htmlFor="channel-target"
          error={state.errors.target}
          hint={type === "WEBHOOK" ? "Receives a JSON POST; Slack incoming webhooks work as they are (the text field)." : undefined}
        >
          <input id="channel-target" name="target" className={inputClass} placeholder={type === "EMAIL" ? "oncall@example.com" : "https://hooks.example.com/hopwatch"} />
        </Field>
        <Field label="Name (optional)" htmlFor="channel-name" error={state.errors.name}>
          <input id="channel-name" name="name" className={inputClass} placeholder={type === "EMAIL" ? "On-call" : "Ops webhook"} />
        </Field>
      </div>
      {type === "WEBHOOK" ? (
        <Field
          label="Signing secret (optional)"
          htmlFor="channel-secret"
          error={state.errors.secret}
          hint="With a secret, each request carries X-Hopwatch-Signature: sha256=<HMAC-SHA256 of the raw body> and X-Hopwatch-Timestamp."
        >
          <input id="channel-secret" name="secret" className={inputClass} autoComplete="off" />
        </Field>
      ) : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add channel"}
      </Button>
    </form>
  );
}
