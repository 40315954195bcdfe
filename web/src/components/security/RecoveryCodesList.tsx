// Recovery codes as issued, shown this once: the list, Copy and Download. Only their digests stay on
// the server, so closing this is the last chance to save them.
import { Alert, App, Button, Flex, Typography } from "antd";
import type { RecoveryCodes } from "../../api/types";

export function RecoveryCodesList({ codes, onDone }: { codes: RecoveryCodes; onDone: () => void }) {
  const { message } = App.useApp();
  const text = `${codes.join("\n")}\n`;

  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => void message.success("Recovery codes copied"),
      () => void message.error("The browser did not allow copying; use Download instead."),
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
    <section aria-label="Your recovery codes">
      <Alert
        type="warning"
        showIcon
        message="Save these recovery codes now"
        description="Each code logs you in once if you lose your authenticator app. They are shown only this time; earlier codes no longer work."
        style={{ marginBottom: 16, maxWidth: 640 }}
      />
      <ul
        aria-label="Recovery codes"
        style={{ columns: 2, maxWidth: 360, fontFamily: "monospace", fontSize: 16, paddingInlineStart: 20 }}
      >
        {codes.map((code) => (
          <li key={code}>
            <Typography.Text>{code}</Typography.Text>
          </li>
        ))}
      </ul>
      <Flex gap="small" wrap>
        <Button onClick={copy}>Copy</Button>
        <Button onClick={download}>Download</Button>
        <Button type="primary" onClick={onDone}>
          I have saved them
        </Button>
      </Flex>
    </section>
  );
}
