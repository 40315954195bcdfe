// `/profile/security`: the account's second factors (SPEC §6.2): one section per kind of factor
// (authenticator app, passkeys); recovery codes appear once, when issued.
import { Typography } from "antd";
import { useState } from "react";
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
  const factors = useOwnFactors();
  const [issuedCodes, setIssuedCodes] = useState<RecoveryCodes | null>(null);
  const hasFactor = (factors.data?.items.length ?? 0) > 0;

  return (
    <>
      <PageTitle>Security</PageTitle>
      <Typography.Paragraph style={{ maxWidth: 640 }}>
        Two-factor authentication asks for a second proof after your password when you log in, and before
        sensitive changes. <Link to="/profile">Back to your profile</Link>
      </Typography.Paragraph>
      <ProfileSection title="Two-factor authentication">
        <SecondFactorsTable />
      </ProfileSection>
      <ProfileSection title="Authenticator app">
        {issuedCodes === null && <AuthenticatorAppSetup onRecoveryCodes={setIssuedCodes} />}
      </ProfileSection>
      <ProfileSection title="Passkeys">
        <PasskeysSection />
      </ProfileSection>
      {(hasFactor || issuedCodes !== null) && (
        <ProfileSection title="Recovery codes">
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
