import { db } from "@/lib/db";
import { apiError } from "@/lib/http/api";
import { collectMetrics, metricsAccess } from "@/lib/metrics";
import { runningScheduler } from "@/lib/scheduler/runtime";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint: off (404) unless HOPWATCH_METRICS_TOKEN is set, then Bearer-token only. */
export async function GET(request: Request) {
  const access = metricsAccess(request.headers.get("authorization"));
  if (access === "disabled") return apiError(404, "Not found: set HOPWATCH_METRICS_TOKEN to turn metrics on");
  if (access === "denied") {
    const response = apiError(401, "Send the metrics token as Authorization: Bearer <HOPWATCH_METRICS_TOKEN>");
    response.headers.set("www-authenticate", 'Bearer realm="hopwatch-metrics"');
    return response;
  }
  const { body, contentType } = await collectMetrics(db, runningScheduler());
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
