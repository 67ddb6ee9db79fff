/** A duration as progress lines show it: seconds up to 90 s, then minutes, then hours. */
export function formatDurationS(s: number): string {
  if (s <= 90) return `${Math.round(s)} s`
  if (s < 5400) return `${Math.round(s / 60)} min`
  return `${(s / 3600).toFixed(1)} h`
}
