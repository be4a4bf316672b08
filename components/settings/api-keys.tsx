"use client";
import { useActionState, useTransition } from "react";
import { createApiKeyAction, revokeApiKeyAction, type CreateKeyState } from "@/app/(dashboard)/settings/actions";
import { Button, Field, Notice, inputClass } from "@/components/ui";

type KeyRow = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null };

export function ApiKeys({ keys }: { keys: KeyRow[] }) {
  const [state, formAction, pending] = useActionState<CreateKeyState, FormData>(createApiKeyAction, { key: null, error: null });
  const [revoking, startRevoke] = useTransition();
  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-wrap items-end gap-2">
        <div className="min-w-60 flex-1">
          <Field label="New key name" htmlFor="key-name" error={state.error ?? undefined}>
            <input id="key-name" name="name" className={inputClass} placeholder="deploy script" />
          </Field>
        </div>
        <Button type="submit" disabled={pending}>
          Create API key
        </Button>
      </form>
      {state.key ? (
        <Notice tone="success">
          Copy this key now — it is shown only once:
          <code className="mt-1 block break-all rounded bg-white/60 px-2 py-1 font-mono text-xs dark:bg-black/30" data-testid="new-api-key">
            {state.key}
          </code>
          Use it as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
        </Notice>
      ) : null}
      {keys.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No API keys yet. Scripts use them to call the REST API at /api/v1.</p>
      ) : (
        <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {keys.map((key) => (
            <li key={key.id} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
              <span className="font-medium">{key.name}</span>
              <code className="font-mono text-xs text-zinc-500">{key.prefix}…</code>
              <span className="text-xs text-zinc-500">
                created {new Date(key.createdAt).toLocaleDateString()} · {key.lastUsedAt ? `last used ${new Date(key.lastUsedAt).toLocaleString()}` : "never used"}
              </span>
              <Button variant="secondary" className="ml-auto" disabled={revoking} onClick={() => startRevoke(() => revokeApiKeyAction(key.id))}>
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
