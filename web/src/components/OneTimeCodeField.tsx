// The field for a 6-digit code from an email: digits only (a pasted "123 456" becomes "123456"),
// numeric keypad on phones, and the browser may fill it from the message (one-time-code).
import { Form, Input, type InputRef } from "antd";
import type { Ref } from "react";
import { useTranslation } from "react-i18next";

export const CODE_LENGTH = 6;

function digitsOnly(value: unknown): string {
  return typeof value === "string" ? value.replace(/\D/g, "").slice(0, CODE_LENGTH) : "";
}

export function OneTimeCodeField({
  label,
  name = "code",
  inputRef,
}: {
  label: string;
  name?: string;
  inputRef?: Ref<InputRef>;
}) {
  const { t } = useTranslation("verification");
  return (
    <Form.Item
      label={label}
      name={name}
      normalize={digitsOnly}
      validateTrigger="onBlur"
      rules={[
        { required: true, message: t("enterCode", { length: CODE_LENGTH }) },
        { len: CODE_LENGTH, message: t("codeLength", { length: CODE_LENGTH }) },
      ]}
    >
      <Input
        ref={inputRef}
        inputMode="numeric"
        autoComplete="one-time-code"
        spellCheck={false}
        style={{ maxWidth: 200, letterSpacing: "0.2em" }}
      />
    </Form.Item>
  );
}
