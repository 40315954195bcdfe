// Amounts from the API travel as decimal strings ("1933.68") in a currency's minor-unit precision;
// they are shown grouped in the reader's locale with as many decimals as the server sent.
const formats = new Map<number, Intl.NumberFormat>();

function formatFor(decimals: number): Intl.NumberFormat {
  let format = formats.get(decimals);
  if (format === undefined) {
    format = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    formats.set(decimals, format);
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
