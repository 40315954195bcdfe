// Rates from the Insights API are fractions (0.9055) or null when there is nothing to rate.
const percent = new Intl.NumberFormat(undefined, {
  style: "percent",
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** "90.6%"; "–" (no data) for null. */
export function formatRate(rate: number | null): string {
  return rate === null ? "–" : percent.format(rate);
}
