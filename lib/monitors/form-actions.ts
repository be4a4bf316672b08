// The monitor form's save logic, kept out of the Server Action so tests can drive it directly.
import { monitorFormToInput } from "./form";
import { validateMonitorInput, type FieldError } from "./schema";
import { createMonitor, updateMonitor } from "./service";
import { emptyMonitorFormState, type MonitorFormState } from "./form-state";

function rejected(form: FormData, fieldErrors: FieldError[], formError: string | null = null): MonitorFormState {
  const values = Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const errors: Record<string, string> = {};
  for (const error of fieldErrors) {
    if (error.field === null) formError ??= error.message;
    else errors[error.field] ??= error.message;
  }
  return { errors, formError, values, savedId: null };
}

export async function saveMonitorForm(userId: string, monitorId: string | null, form: FormData): Promise<MonitorFormState> {
  const { input, errors: formErrors } = monitorFormToInput(form);
  if (formErrors.length > 0) {
    // Nothing is saved, but every other invalid field is reported at the same time.
    const validation = validateMonitorInput(input);
    return rejected(form, [...formErrors, ...(validation.ok ? [] : validation.errors)]);
  }
  const result = monitorId ? await updateMonitor(userId, monitorId, input) : await createMonitor(userId, input);
  if (result.ok) return { ...emptyMonitorFormState, savedId: result.monitor.id };
  if ("notFound" in result) return rejected(form, [], "This monitor no longer exists.");
  return rejected(form, result.errors);
}
