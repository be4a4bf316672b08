// What the monitor form's Server Action returns; shared with the client form component, so it
// must not import anything server-only.
export type MonitorFormState = {
  errors: Record<string, string>;
  formError: string | null;
  /** What the user typed, so a rejected form keeps it. */
  values: Record<string, string> | null;
  savedId: string | null;
};

export const emptyMonitorFormState: MonitorFormState = { errors: {}, formError: null, values: null, savedId: null };
