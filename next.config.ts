import type { NextConfig } from "next";

// Scripts: Next.js's own chunks and inline bootstrap, plus the theme script in app/layout.tsx;
// no eval outside development (React's dev tooling needs it).
const isDev = process.env.NODE_ENV === "development";
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const nextConfig: NextConfig = {
  // Loaded by Node at run time rather than bundled: PGlite ships WASM and data files, pg and
  // pino pick optional modules dynamically (pino-pretty runs in a transport thread), and
  // prom-client keeps process-wide state that must not be copied into several bundles.
  serverExternalPackages: ["@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "@prisma/adapter-pg", "pino", "pino-pretty", "nodemailer", "prom-client"],
  poweredByHeader: false,
  // The build checks the app's own code; `npm run typecheck` (part of npm test) checks tests and scripts too.
  typescript: { tsconfigPath: "tsconfig.build.json" },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: contentSecurityPolicy },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
        ],
      },
    ];
  },
  typedRoutes: false,
};

export default nextConfig;
