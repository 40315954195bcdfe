// Display names of the payment methods the API reports by key (`kakao_pay` → "Kakao Pay"), in the
// page's language (the `format` catalogue; brand names stay as their owners write them).
import i18next from "i18next";
import type { PaymentMethod } from "../api/types";

export const paymentMethodLabels: Record<PaymentMethod, string> = {
  alipay: "Alipay",
  card: "Card",
  gcash: "GCash",
  kakao_pay: "Kakao Pay",
  dana: "DANA",
  truemoney: "TrueMoney",
};

/** A method the client does not know yet is shown by its key. */
export function paymentMethodLabel(method: string): string {
  const english = (paymentMethodLabels as Record<string, string>)[method];
  if (english === undefined) return method;
  return i18next.t(`paymentMethods.${method}`, { ns: "format", defaultValue: english });
}
