// Recovery codes as issued, shown this once: the list, Copy and Download. Only their digests stay on
// the server, so closing this is the last chance to save them.
import { Alert, App, Button, Flex, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { RecoveryCodes } from "../../api/types";

export function RecoveryCodesList({ codes, onDone }: { codes: RecoveryCodes; onDone: () => void }) {
  const { t } = useTranslation("security");
  const { message } = App.useApp();
  const text = `${codes.join("\n")}\n`;

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => void message.success(t("recoveryCodes.copied")),
      () => void message.error(t("recoveryCodes.copyRefused")),
    );
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "merchant-portal-recovery-codes.txt";
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section aria-label={t("recoveryCodes.yours")}>
      <Alert
        type="warning"
        showIcon
        message={t("recoveryCodes.saveNow")}
        description={t("recoveryCodes.saveNowDetail")}
        style={{ marginBottom: 16, maxWidth: 640 }}
      />
      <ul
        aria-label={t("recoveryCodes.title")}
        style={{ columns: 2, maxWidth: 360, fontFamily: "monospace", fontSize: 16, paddingInlineStart: 20 }}
      >
        {codes.map((code) => (
          <li key={code}>
            <Typography.Text>{code}</Typography.Text>
          </li>
        ))}
      </ul>
      <Flex gap="small" wrap>
        <Button onClick={copy}>{t("recoveryCodes.copy")}</Button>
        <Button onClick={download}>{t("recoveryCodes.download")}</Button>
        <Button type="primary" onClick={onDone}>
          {t("recoveryCodes.saved")}
        </Button>
      </Flex>
    </section>
  );
}
