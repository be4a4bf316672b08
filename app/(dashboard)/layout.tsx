import Link from "next/link";
import { requireUser } from "@/lib/auth/session";
import { Logo } from "@/components/logo";
import { SignOutButton } from "@/components/sign-out-button";
import { ThemeToggle } from "@/components/theme-toggle";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Logo />
          <nav className="flex gap-4 text-sm font-medium">
            <Link href="/monitors" className="text-zinc-700 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white">
              Monitors
            </Link>
            <Link href="/incidents" className="text-zinc-700 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white">
              Incidents
            </Link>
            <Link href="/settings" className="text-zinc-700 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white">
              Settings
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <span className="hidden text-sm text-zinc-500 sm:inline" data-testid="user-email">
              {user.email}
            </span>
            <ThemeToggle />
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
