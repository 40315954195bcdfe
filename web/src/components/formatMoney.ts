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
