// Schemas the portal sections share.
import { Type } from "@sinclair/typebox";

export const DateTime = Type.String({ format: "date-time", maxLength: 40 });

export const PAYMENT_METHODS = ["alipay", "card", "gcash", "kakao_pay", "dana", "truemoney"] as const;
