// The field for a 6-digit code from an email: digits only (a pasted "123 456" becomes "123456"),
// numeric keypad on phones, and the browser may fill it from the message (one-time-code).
import { Form, Input, type InputRef } from "antd";
import type { Ref } from "react";

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
  return (
    <Form.Item
      label={label}
      name={name}
      normalize={digitsOnly}
      validateTrigger="onBlur"
      rules={[
        { required: true, message: `Enter the ${CODE_LENGTH}-digit code` },
        { len: CODE_LENGTH, message: `The code has ${CODE_LENGTH} digits` },
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
