import { NextResponse } from "next/server";
import { withApiUser } from "@/lib/http/api";
import { getOverview } from "@/lib/stats/service";

export const GET = withApiUser(async (_request, userId) => NextResponse.json(await getOverview(userId)));
