// Authenticated encryption of secrets kept in the database (AES-256-GCM). A sealed value names the
// key it was sealed with, so a process started with another key says so instead of failing vaguely.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { encryptionKey } from "../config";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

let processKey: Buffer | undefined;

function currentKey(): Buffer {
  processKey ??= encryptionKey();
  return processKey;
}

/** A short, non-secret fingerprint of a key. */
function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** "v1.<key id>.<iv>.<tag>.<ciphertext>", base64url parts. */
export function sealSecret(plaintext: string, key: Buffer = currentKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, keyId(key), iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function openSecret(sealed: string, key: Buffer = currentKey()): string {
  const [version, sealedKeyId, iv, tag, ciphertext] = sealed.split(".");
  if (version !== VERSION || ciphertext === undefined) throw new Error("Not a value sealed by Hopwatch");
  if (sealedKeyId !== keyId(key)) {
    throw new Error(
      `A stored secret was encrypted with another key (id ${sealedKeyId}) than this process's HOPWATCH_ENCRYPTION_KEY (id ${keyId(key)}): give every process the same key`,
    );
  }
  // A fixed tag length: GCM would otherwise accept truncated (forgeable) tags.
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
