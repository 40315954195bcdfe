// One titled part of the profile page. Not labelled by its heading on purpose: a labelled
// section named "Alternate email" would compete with the field of that name for getByLabel.
import { Typography } from "antd";
import type { ReactNode } from "react";

export function ProfileSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginBottom: 40 }}>
      <Typography.Title level={3} style={{ fontSize: 20 }}>
        {title}
      </Typography.Title>
      {children}
    </section>
  );
}
