// `New password` and `Confirm new password`, checked as the server will (SPEC rule 14: 12 to 256
// characters, counted as code points, never trimmed); common or email-based passwords only it can judge.
import { Form, Input } from "antd";

const MIN_LENGTH = 12;
const MAX_LENGTH = 256;

/** Characters as people count them: "🔒" is one, not two UTF-16 units. */
function characterCount(value: string): number {
  return [...value].length;
}

export function NewPasswordFields({
  name = "newPassword",
  confirmName = "confirmPassword",
  label = "New password",
  confirmLabel = "Confirm new password",
}: {
  name?: string;
  confirmName?: string;
  label?: string;
  confirmLabel?: string;
}) {
  return (
    <>
      <Form.Item
        label={label}
        name={name}
        extra={`At least ${MIN_LENGTH} characters. Avoid common passwords and your email address.`}
        rules={[
          { required: true, message: "Enter a new password" },
          {
            validator: async (_, value: unknown) => {
              if (typeof value !== "string" || value === "") return;
              const count = characterCount(value);
              if (count < MIN_LENGTH) throw new Error(`Use at least ${MIN_LENGTH} characters`);
              if (count > MAX_LENGTH) throw new Error(`Use at most ${MAX_LENGTH} characters`);
            },
          },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={confirmLabel}
        name={confirmName}
        dependencies={[name]}
        rules={[
          { required: true, message: "Enter the new password again" },
          ({ getFieldValue }) => ({
            validator: async (_, value: unknown) => {
              if (value && value !== getFieldValue(name)) throw new Error("The passwords do not match");
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
