import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { Card } from "@/components/ui";
import { Logo } from "@/components/logo";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  if (await currentUser()) redirect("/monitors");
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex justify-center">
          <Logo />
        </div>
        <Card className="p-6">{children}</Card>
      </div>
    </main>
  );
}
