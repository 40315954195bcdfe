// `/profile`: the signed-in account (name and email, read-only), its alternate email, a link to
// its second factors (`/profile/security`), its password, its sessions, its security events, and
// deleting the account.
import { Descriptions, Typography } from "antd";
import { Link } from "react-router-dom";
import { AlternateEmailForm } from "../components/AlternateEmailForm";
import { ChangePasswordForm } from "../components/ChangePasswordForm";
import { DeleteAccountSection } from "../components/DeleteAccountSection";
import { OwnSecurityEvents } from "../components/OwnSecurityEvents";
import { OwnSessionsTable } from "../components/OwnSessionsTable";
import { PageTitle } from "../components/PageTitle";
import { usePortalMe } from "../components/PortalLayout";
import { ProfileSection } from "../components/ProfileSection";

export function ProfilePage() {
  const { account } = usePortalMe();

  return (
    <>
      <PageTitle>Profile</PageTitle>
      <ProfileSection title="Account">
        <Descriptions
          bordered
          column={1}
          style={{ maxWidth: 640 }}
          items={[
            { key: "name", label: "Name", children: account.name },
            { key: "email", label: "Email", children: account.email },
            {
              key: "alternateEmail",
              label: "Alternate email",
              children: account.alternateEmail ?? "Not set",
            },
          ]}
        />
      </ProfileSection>
      <ProfileSection title="Alternate email">
        <AlternateEmailForm />
      </ProfileSection>
      <ProfileSection title="Two-factor authentication">
        <Typography.Paragraph>
          Authenticator app, passkeys and recovery codes:{" "}
          <Link to="/profile/security">Manage two-factor authentication</Link>
        </Typography.Paragraph>
      </ProfileSection>
      <ProfileSection title="Password">
        <ChangePasswordForm email={account.email} />
      </ProfileSection>
      <ProfileSection title="Sessions">
        <OwnSessionsTable />
      </ProfileSection>
      <ProfileSection title="Security">
        <OwnSecurityEvents />
      </ProfileSection>
      <ProfileSection title="Delete account">
        <DeleteAccountSection />
      </ProfileSection>
    </>
  );
}
