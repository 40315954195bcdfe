// `New password` and `Confirm new password`, checked as the server will (SPEC rule 14: 12 to 256
// characters, counted as code points, never trimmed); common or email-based passwords only it can judge.
import { Form, Input } from "antd";
import { useTranslation } from "react-i18next";

const MIN_LENGTH = 12;
const MAX_LENGTH = 256;

/** Characters as people count them: "🔒" is one, not two UTF-16 units. */
function characterCount(value: string): number {
  return [...value].length;
}

export function NewPasswordFields({
  name = "newPassword",
  confirmName = "confirmPassword",
  label,
  confirmLabel,
}: {
  name?: string;
  confirmName?: string;
  label?: string;
  confirmLabel?: string;
}) {
  const { t } = useTranslation("auth");
  return (
    <>
      <Form.Item
        label={label ?? t("password.new")}
        name={name}
        extra={t("password.hint", { min: MIN_LENGTH })}
        rules={[
          { required: true, message: t("password.enterNew") },
          {
            validator: async (_, value: unknown) => {
              if (typeof value !== "string" || value === "") return;
              const count = characterCount(value);
              if (count < MIN_LENGTH) throw new Error(t("password.tooShort", { min: MIN_LENGTH }));
              if (count > MAX_LENGTH) throw new Error(t("password.tooLong", { max: MAX_LENGTH }));
            },
          },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={confirmLabel ?? t("password.confirmNew")}
        name={confirmName}
        dependencies={[name]}
        rules={[
          { required: true, message: t("password.enterAgain") },
          ({ getFieldValue }) => ({
            validator: async (_, value: unknown) => {
              if (value && value !== getFieldValue(name)) throw new Error(t("password.mismatch"));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
