// Amounts travel as integers of minor units and leave as decimal strings, never as floats.

const ZERO_DECIMAL_CURRENCIES = new Set(["JPY", "KRW", "VND", "IDR"]);

export function formatMinor(amountMinor: number, currency: string): string {
  const negative = amountMinor < 0;
  const digits = String(Math.abs(Math.trunc(amountMinor)));
  if (ZERO_DECIMAL_CURRENCIES.has(currency)) return `${negative ? "-" : ""}${digits}`;
  const padded = digits.padStart(3, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -2)}.${padded.slice(-2)}`;
}
