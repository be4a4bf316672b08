import Link from "next/link";

export function Logo() {
  return (
    <Link href="/" className="flex items-center gap-2 text-base font-semibold tracking-tight">
      <svg viewBox="0 0 24 24" className="h-6 w-6 text-indigo-600 dark:text-indigo-400" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
        <path d="M2 12h4l3-7 4 14 3-7h6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      Hopwatch
    </Link>
  );
}
