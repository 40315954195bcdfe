// Rates from the Insights API are fractions (0.9055) or null when there is nothing to rate; shown as
// percentages in the page's language.
import { formatPercent } from "../formatMoney";

/** "90.6%"; "–" (no data) for null. */
export function formatRate(rate: number | null): string {
  return rate === null ? "–" : formatPercent(rate);
}
