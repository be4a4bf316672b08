import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Loaded by Node at run time rather than bundled: PGlite ships WASM and data files, pg and
  // pino pick optional modules dynamically.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "@prisma/adapter-pg", "pino", "nodemailer"],
  poweredByHeader: false,
  // The build checks the app's own code; `npm run typecheck` (part of npm test) checks tests and scripts too.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  typedRoutes: false,
};

export default nextConfig;
