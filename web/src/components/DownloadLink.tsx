// `Download`: a link to a CSV export, styled as a button. The browser fetches it with the session
// cookie and saves the server's stream straight to disk, so a large export is never held in memory.
import { Button } from "antd";

export function DownloadLink({ href, description }: { href: string; description: string }) {
  return (
    <Button href={href} download title={description}>
      Download
    </Button>
  );
}
