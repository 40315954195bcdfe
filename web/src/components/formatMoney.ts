// Amounts from the API travel as decimal strings ("1933.68") in a currency's minor-unit precision;
// they are shown grouped in the page's language (i18next's) with as many decimals as the server sent.
import i18next from "i18next";

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(decimals: number): Intl.NumberFormat {
  const locale = i18next.language || "en";
  const key = `${locale}/${decimals}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    formats.set(key, format);
  }
  return format;
}

/** "1,933.68" from "1933.68"; anything unexpected is shown as sent. */
export function formatAmount(amount: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(amount)) return amount;
  const decimals = amount.split(".")[1]?.length ?? 0;
  return formatFor(decimals).format(Number(amount));
}

/** "1,933.68 USD". */
export function formatMoney(amount: string, currency: string): string {
  return `${formatAmount(amount)} ${currency}`;
}

const counts = new Map<string, Intl.NumberFormat>();

function countFormat(options: Intl.NumberFormatOptions, name: string): Intl.NumberFormat {
  const locale = i18next.language || "en";
  const key = `${locale}/${name}`;
  let format = counts.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    counts.set(key, format);
  }
  return format;
}

/** A count grouped in the page's language: "12,345". */
export function formatCount(value: number): string {
  return countFormat({}, "count").format(value);
}

/** A chart's axis figure: "1.2K" (English), "1.2万" (Chinese). */
export function formatCompact(value: number): string {
  return countFormat({ notation: "compact", maximumFractionDigits: 1 }, "compact").format(value);
}

/** A fraction as a percentage with one decimal: "90.6%". */
export function formatPercent(fraction: number): string {
  return countFormat(
    { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 },
    "percent",
  ).format(fraction);
}
