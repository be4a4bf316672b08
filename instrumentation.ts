// Runs once when a Next.js server process starts: open the database (applying migrations)
// before the first request, then start the in-process scheduler.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerProcess } = await import("./lib/server-process");
  await startServerProcess();
}
