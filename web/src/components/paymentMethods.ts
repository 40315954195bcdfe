// Display names of the payment methods the API reports by key (`kakao_pay` → "Kakao Pay").
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
  return (paymentMethodLabels as Record<string, string>)[method] ?? method;
}
