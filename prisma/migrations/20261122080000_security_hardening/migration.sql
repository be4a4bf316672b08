-- AlterTable
-- Monitor request headers move to "encryptedHeaders". SQL cannot encrypt with the app's key, so
-- the plaintext "headers" column stays as it is here: each process start encrypts what it finds
-- there and empties it (lib/monitors/headers.ts), and readers fall back to it until then.
ALTER TABLE "monitor" ADD COLUMN     "encryptedHeaders" TEXT;

-- CreateTable
CREATE TABLE "rate_limit_counter" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "resetAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_counter_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "rate_limit_counter_resetAt_idx" ON "rate_limit_counter"("resetAt");

