"use server";
import { revalidatePath } from "next/cache";
import { requireUser } from "@/lib/auth/session";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";

export type CreateKeyState = { key: string | null; error: string | null };

export async function createApiKeyAction(_previous: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  const user = await requireUser();
  const name = String(form.get("name") ?? "").trim();
  if (name.length === 0 || name.length > 100) return { key: null, error: "Give the key a name of 1 to 100 characters, e.g. the script that will use it." };
  const created = await createApiKey(user.id, name);
  revalidatePath("/settings");
  return { key: created.key, error: null };
}

export async function revokeApiKeyAction(id: string): Promise<void> {
  const user = await requireUser();
  await revokeApiKey(user.id, id);
  revalidatePath("/settings");
}
