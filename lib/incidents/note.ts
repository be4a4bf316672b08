import { z } from "zod";
import { isStorableText, UNSTORABLE_TEXT } from "../db/storable";

export const incidentNoteSchema = z.strictObject({
  text: z
    .string({ error: "text is required" })
    .trim()
    .min(1, { error: "Write a note first" })
    .max(5000, { error: "A note must be at most 5000 characters" })
    .refine(isStorableText, { error: `A note ${UNSTORABLE_TEXT}` }),
});
