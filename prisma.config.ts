// Prisma CLI configuration. Only `prisma generate` and `prisma migrate diff` are used (see
// ../shared/STACK.md): both run offline with the bundled WASM schema engine, which needs a
// driver adapter. A throwaway in-memory PGlite serves as main and shadow database.
import { defineConfig } from "prisma/config";
import type { PrismaPGlite as PrismaPGliteFactory } from "pglite-prisma-adapter";

type PgliteAdapter = Awaited<ReturnType<PrismaPGliteFactory["connect"]>>;

process.env.DATABASE_URL ??= "postgresql://unused@localhost/unused";

async function inMemoryPglite() {
  const args = process.argv.join(" ");
  if (!/\bmigrate diff\b/.test(args)) {
    throw new Error(
      "This project applies migrations with its own runner (lib/db/migrate.ts, run at start). " +
        "Only `prisma generate` and `prisma migrate diff` (npm run db:migration) are supported.",
    );
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const withScripts = (pg: InstanceType<typeof PGlite>) => {
    const factory = new PrismaPGlite(pg);
    // The WASM schema engine sends multi-statement scripts through executeRaw without
    // parameters; PGlite's query() takes one statement, exec() takes many.
    const patch = async (adapter: PgliteAdapter) => {
      const executeRaw = adapter.executeRaw.bind(adapter);
      adapter.executeRaw = async (q) => (q.args.length === 0 ? (await pg.exec(q.sql), 0) : executeRaw(q));
      return adapter;
    };
    return { factory, patch };
  };
  const main = withScripts(new PGlite());
  const shadow = withScripts(new PGlite());
  return {
    provider: main.factory.provider,
    adapterName: main.factory.adapterName,
    connect: async () => main.patch(await main.factory.connect()),
    connectToShadowDb: async () => shadow.patch(await shadow.factory.connect()),
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- factory shape checked at runtime by Prisma
  adapter: inMemoryPglite as any,
});
