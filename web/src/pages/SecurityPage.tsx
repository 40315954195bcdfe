// `/profile/security`: the account's second factors (SPEC §6.2): one section per kind of factor
// (authenticator app, passkeys); recovery codes appear once, when issued.
import { Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { useOwnFactors } from "../api/mfaQueries";
import type { RecoveryCodes } from "../api/types";
import { PageTitle } from "../components/PageTitle";
import { ProfileSection } from "../components/ProfileSection";
import { PasskeysSection } from "../components/passkeys/PasskeysSection";
import { AuthenticatorAppSetup } from "../components/security/AuthenticatorAppSetup";
import { RecoveryCodesList } from "../components/security/RecoveryCodesList";
import { RecoveryCodesSection } from "../components/security/RecoveryCodesSection";
import { SecondFactorsTable } from "../components/security/SecondFactorsTable";

export function SecurityPage() {
  const { t } = useTranslation("security");
  const factors = useOwnFactors();
  const [issuedCodes, setIssuedCodes] = useState<RecoveryCodes | null>(null);
  const hasFactor = (factors.data?.items.length ?? 0) > 0;

  return (
    <>
      <PageTitle>{t("page.title")}</PageTitle>
      <Typography.Paragraph style={{ maxWidth: 640 }}>
        {t("page.intro")} <Link to="/profile">{t("page.backToProfile")}</Link>
      </Typography.Paragraph>
      <ProfileSection title={t("page.twoFactor")}>
        <SecondFactorsTable />
      </ProfileSection>
      <ProfileSection title={t("page.authenticatorApp")}>
        {issuedCodes === null && <AuthenticatorAppSetup onRecoveryCodes={setIssuedCodes} />}
      </ProfileSection>
      <ProfileSection title={t("page.passkeys")}>
        <PasskeysSection />
      </ProfileSection>
      {(hasFactor || issuedCodes !== null) && (
        <ProfileSection title={t("recoveryCodes.title")}>
          {issuedCodes !== null ? (
            <RecoveryCodesList codes={issuedCodes} onDone={() => setIssuedCodes(null)} />
          ) : (
            <RecoveryCodesSection onRecoveryCodes={setIssuedCodes} />
          )}
        </ProfileSection>
      )}
    </>
  );
}
