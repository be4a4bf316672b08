"use client";
import Link from "next/link";
import { useActionState } from "react";
import { saveMonitorAction } from "@/app/(dashboard)/monitors/actions";
import { emptyMonitorFormState } from "@/lib/monitors/form-state";
import { HTTP_METHODS, MONITOR_TYPES } from "@/lib/monitors/schema";
import type { MonitorFormValues } from "@/lib/monitors/form";
import { Button, Field, Notice, buttonClass, inputClass } from "@/components/ui";

export function MonitorForm({ monitorId, initial }: { monitorId: string | null; initial: MonitorFormValues }) {
  const [state, formAction, pending] = useActionState(saveMonitorAction.bind(null, monitorId), emptyMonitorFormState);
  // After a rejected submit, show what the user typed rather than the stored values.
  const typed = state.values;
  const text = (name: keyof MonitorFormValues) => (typed ? (typed[name] ?? "") : String(initial[name]));
  const checked = (name: "keywordMustBeAbsent" | "followRedirects" | "enabled") => (typed ? typed[name] === "on" : initial[name]);
  const error = (name: string) => state.errors[name];
  const invalid = (name: string) => (state.errors[name] ? { "aria-invalid": true, "aria-describedby": `${name}-error` } : {});
  // A key that changes with each rejected submit re-mounts the inputs with the typed values.
  const formKey = typed ? JSON.stringify(typed) : "initial";

  return (
    <form action={formAction} className="space-y-6" key={formKey} noValidate>
      {state.formError ? <Notice>{state.formError}</Notice> : null}
      {Object.keys(state.errors).length > 0 ? <Notice>Some fields need attention — see the messages below. Nothing was saved.</Notice> : null}

      <section className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" htmlFor="name" error={error("name")}>
          <input id="name" name="name" defaultValue={text("name")} className={inputClass} placeholder="Checkout API" {...invalid("name")} />
        </Field>
        <Field label="Type" htmlFor="type" error={error("type")}>
          <select id="type" name="type" defaultValue={text("type")} className={inputClass} {...invalid("type")}>
            {MONITOR_TYPES.map((type) => (
              <option key={type} value={type}>
                {type === "HTTP" ? "HTTP(S) request" : "TCP connect"}
              </option>
            ))}
          </select>
        </Field>
        <div className="sm:col-span-2">
          <Field label="URL" htmlFor="url" error={error("url")} hint="https://api.example.com/health — or tcp://host:port for a TCP monitor.">
            <input id="url" name="url" defaultValue={text("url")} className={inputClass} placeholder="https://api.example.com/health" {...invalid("url")} />
          </Field>
        </div>
      </section>

      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold">Schedule</legend>
        <Field label="Interval (seconds)" htmlFor="intervalSeconds" error={error("intervalSeconds")} hint="10 to 86400">
          <input id="intervalSeconds" name="intervalSeconds" inputMode="numeric" defaultValue={text("intervalSeconds")} className={inputClass} {...invalid("intervalSeconds")} />
        </Field>
        <Field label="Timeout (seconds)" htmlFor="timeoutSeconds" error={error("timeoutSeconds")} hint="1 to 60, below the interval">
          <input id="timeoutSeconds" name="timeoutSeconds" inputMode="numeric" defaultValue={text("timeoutSeconds")} className={inputClass} {...invalid("timeoutSeconds")} />
        </Field>
        <Field label="Retries before DOWN" htmlFor="retries" error={error("retries")} hint="0 to 10">
          <input id="retries" name="retries" inputMode="numeric" defaultValue={text("retries")} className={inputClass} {...invalid("retries")} />
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Request</legend>
        <Field label="Method" htmlFor="method" error={error("method")}>
          <select id="method" name="method" defaultValue={text("method")} className={inputClass} {...invalid("method")}>
            {HTTP_METHODS.map((method) => (
              <option key={method}>{method}</option>
            ))}
          </select>
        </Field>
        <Field label="Expected status" htmlFor="expectedStatus" error={error("expectedStatus")} hint="Codes and ranges, e.g. 200-299,301">
          <input id="expectedStatus" name="expectedStatus" defaultValue={text("expectedStatus")} className={inputClass} {...invalid("expectedStatus")} />
        </Field>
        <Field label="Headers" htmlFor="headers" error={error("headers")} hint="One per line: Name: value">
          <textarea id="headers" name="headers" rows={3} defaultValue={text("headers")} className={`${inputClass} font-mono`} {...invalid("headers")} />
        </Field>
        <Field label="Body" htmlFor="body" error={error("body")} hint="Sent with POST, PUT and PATCH. Up to 64 KB.">
          <textarea id="body" name="body" rows={3} defaultValue={text("body")} className={`${inputClass} font-mono`} {...invalid("body")} />
        </Field>
        <Field label="Keyword" htmlFor="keyword" error={error("keyword")} hint="Optional text the response body must contain.">
          <input id="keyword" name="keyword" defaultValue={text("keyword")} className={inputClass} {...invalid("keyword")} />
        </Field>
        <div className="space-y-2 pt-6 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" name="keywordMustBeAbsent" defaultChecked={checked("keywordMustBeAbsent")} /> Fail if the keyword is present instead
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="followRedirects" defaultChecked={checked("followRedirects")} /> Follow redirects
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" name="enabled" defaultChecked={checked("enabled")} /> Enabled (uncheck to pause)
          </label>
        </div>
        <div className="sm:col-span-2">
          <Field
            label="Origin URL (optional)"
            htmlFor="originUrl"
            error={error("originUrl")}
            hint="The same service reached directly, bypassing the gateway. When the gateway answers 502, Hopwatch probes it to tell which hop failed."
          >
            <input id="originUrl" name="originUrl" defaultValue={text("originUrl")} className={inputClass} placeholder="http://10.0.0.12:8080/health" {...invalid("originUrl")} />
          </Field>
        </div>
      </fieldset>

      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : monitorId ? "Save changes" : "Add monitor"}
        </Button>
        <Link href={monitorId ? `/monitors/${monitorId}` : "/monitors"} className={buttonClass("secondary")}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
