/** Expected-status specs such as "200-299,301": inclusive ranges, a single code being a range of one. */
export type StatusRange = [number, number];

const STATUS_CODE = /^[1-5]\d\d$/;

export function parseStatusRanges(spec: string): StatusRange[] {
  const parts = spec.split(",").map((part) => part.trim());
  if (parts.every((part) => part === "")) {
    throw new Error(`Expected status is empty; use codes or ranges such as "200-299,301"`);
  }
  return parts.map((part) => {
    const bounds = part.split("-").map((bound) => bound.trim());
    if (bounds.length > 2 || !bounds.every((bound) => STATUS_CODE.test(bound))) {
      throw new Error(`Invalid expected status "${part}" in "${spec}"; use codes 100-599 or ranges such as "200-299"`);
    }
    const [low, high = low] = bounds.map(Number);
    if (low > high) {
      throw new Error(`Invalid expected status range "${part}" in "${spec}": start is greater than end`);
    }
    return [low, high];
  });
}

export function statusMatches(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some(([low, high]) => status >= low && status <= high);
}
