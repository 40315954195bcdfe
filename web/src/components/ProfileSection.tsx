// One titled part of the profile page. Not labelled by its heading on purpose: a labelled
// section named "Alternate email" would compete with the field of that name for getByLabel.
import type { ReactNode } from "react";
import { SectionTitle } from "./PageTitle";

export function ProfileSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section style={{ marginBottom: 40 }}>
      <SectionTitle style={{ fontSize: 20 }}>{title}</SectionTitle>
      {children}
    </section>
  );
}
