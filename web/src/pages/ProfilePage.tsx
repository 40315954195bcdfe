// `/profile`: the signed-in account (name and email, read-only), its alternate email, a link to
// its second factors (`/profile/security`), its password, its sessions, its security events, and
// deleting the account.
import { Descriptions, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { AlternateEmailForm } from "../components/AlternateEmailForm";
import { ChangePasswordForm } from "../components/ChangePasswordForm";
import { DeleteAccountSection } from "../components/DeleteAccountSection";
import { OwnSecurityEvents } from "../components/OwnSecurityEvents";
import { OwnSessionsTable } from "../components/OwnSessionsTable";
import { PageTitle } from "../components/PageTitle";
import { usePortalMe } from "../components/PortalLayout";
import { ProfileSection } from "../components/ProfileSection";
import { LanguageSwitch } from "../i18n/LanguageSwitch";

export function ProfilePage() {
  const { t } = useTranslation("profile");
  const { account } = usePortalMe();

  return (
    <>
      <PageTitle>{t("title")}</PageTitle>
      <ProfileSection title={t("account.title")}>
        <Descriptions
          bordered
          column={1}
          style={{ maxWidth: 640 }}
          items={[
            { key: "name", label: t("account.name"), children: account.name },
            { key: "email", label: t("account.email"), children: account.email },
            {
              key: "alternateEmail",
              label: t("alternateEmail.label"),
              children: account.alternateEmail ?? t("account.notSet"),
            },
          ]}
        />
      </ProfileSection>
      <ProfileSection title={t("language.title")}>
        <Typography.Paragraph type="secondary">{t("language.intro")}</Typography.Paragraph>
        <LanguageSwitch saveToAccount />
      </ProfileSection>
      <ProfileSection title={t("alternateEmail.label")}>
        <AlternateEmailForm />
      </ProfileSection>
      <ProfileSection title={t("twoFactor.title")}>
        <Typography.Paragraph>
          {t("twoFactor.intro")} <Link to="/profile/security">{t("twoFactor.manage")}</Link>
        </Typography.Paragraph>
      </ProfileSection>
      <ProfileSection title={t("password.title")}>
        <ChangePasswordForm email={account.email} />
      </ProfileSection>
      <ProfileSection title={t("sessions.title")}>
        <OwnSessionsTable />
      </ProfileSection>
      <ProfileSection title={t("events.title")}>
        <OwnSecurityEvents />
      </ProfileSection>
      <ProfileSection title={t("deleteAccount.title")}>
        <DeleteAccountSection />
      </ProfileSection>
    </>
  );
}
