// `Import CSV` (SPEC §6.4): a file of up to 500 people (a column `email`, optionally `roles` by name),
// roles for the rows that name none, the mail's language for people without an account, a preview
// with one result per row, then the invitations sent after one Email Verification, with one result
// per row again.
import { Alert, App, Button, Checkbox, Flex, Form, Modal, Skeleton, Typography } from "antd";
import { type ChangeEvent, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useImportInvitations, usePreviewInvitationImport } from "../../api/invitationQueries";
import { usePermissionCatalogue, useRoles } from "../../api/queries";
import type { InvitationBatchResult } from "../../api/types";
import { currentLanguage, type Language } from "../../i18n";
import { RolePicker } from "../members/RolePicker";
import { QueryErrorResult } from "../QueryErrorResult";
import { describeInvitationError } from "./describeInvitationError";
import { InvitationResultsTable, summarizeResults } from "./InvitationResultsTable";
import { TERMS_KEY } from "./InviteMemberModal";
import { MailLanguageSelect } from "./MailLanguageSelect";

/** Larger files are refused before they are read (the server's limit is 500 rows). */
const MAX_FILE_BYTES = 256 * 1024;

function ImportSteps({ companyId, onDone }: { companyId: string; onDone: () => void }) {
  const { message } = App.useApp();
  const { t } = useTranslation("invitations");
  const roles = useRoles(companyId);
  const catalogue = usePermissionCatalogue();
  const preview = usePreviewInvitationImport(companyId);
  const importer = useImportInvitations(companyId);
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [roleIds, setRoleIds] = useState<string[]>([]);
  const [language, setLanguage] = useState<Language>(currentLanguage());
  const [previewed, setPreviewed] = useState<InvitationBatchResult[] | null>(null);
  const [sent, setSent] = useState<InvitationBatchResult[] | null>(null);
  const [isTermsAccepted, setIsTermsAccepted] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  if (roles.isError || catalogue.isError) {
    return <QueryErrorResult error={roles.error ?? catalogue.error} onRetry={() => void roles.refetch()} />;
  }
  if (roles.isPending || catalogue.isPending) return <Skeleton active />;

  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    setPreviewed(null);
    setFailure(null);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFailure(t("import.tooLarge"));
      return;
    }
    setFileName(file.name);
    void file.text().then(setCsv);
  };

  const showPreview = () => {
    if (csv === null) return;
    setFailure(null);
    preview.mutate(
      { csv, ...(roleIds.length > 0 ? { roleIds } : {}) },
      {
        onSuccess: ({ results }) => setPreviewed(results),
        onError: (error) => setFailure(describeInvitationError(error)),
      },
    );
  };

  const send = () => {
    if (csv === null || !isTermsAccepted) return;
    setFailure(null);
    importer.mutate(
      { csv, ...(roleIds.length > 0 ? { roleIds } : {}), acceptTerms: true, language },
      {
        onSuccess: ({ results }) => {
          void message.success(t("invite.sentBatch", { summary: summarizeResults(results, t) }));
          setSent(results);
        },
        onError: (error) => setFailure(describeInvitationError(error)),
      },
    );
  };

  if (sent !== null) {
    return (
      <>
        <InvitationResultsTable results={sent} caption={t("import.resultsCaption")} />
        <Flex justify="flex-end" style={{ marginTop: 24 }}>
          <Button type="primary" onClick={onDone}>
            {t("import.done")}
          </Button>
        </Flex>
      </>
    );
  }

  const readyCount = previewed?.filter((row) => row.status === "ready").length ?? 0;
  return (
    <>
      <Typography.Paragraph>
        <Trans t={t} i18nKey="import.explanation" components={{ code: <Typography.Text code /> }} />
      </Typography.Paragraph>
      <Form layout="vertical" requiredMark={false}>
        <Form.Item label={t("import.csvFile")} htmlFor="invitation-csv" extra={fileName ?? undefined}>
          <input id="invitation-csv" type="file" accept=".csv,text/csv" onChange={readFile} />
        </Form.Item>
        <Form.Item label={t("import.defaultRoles")}>
          <RolePicker
            roles={roles.data.items}
            catalogue={catalogue.data.items}
            value={roleIds}
            onChange={(next: string[]) => {
              setRoleIds(next);
              setPreviewed(null);
            }}
          />
        </Form.Item>
        <Form.Item
          label={t("invite.mailLanguage")}
          htmlFor="invitation-mail-language"
          extra={t("invite.mailLanguageExtra")}
        >
          <MailLanguageSelect id="invitation-mail-language" value={language} onChange={setLanguage} />
        </Form.Item>
      </Form>
      {previewed !== null && (
        <>
          <InvitationResultsTable results={previewed} caption={t("import.preview")} />
          <Checkbox
            checked={isTermsAccepted}
            onChange={(event) => setIsTermsAccepted(event.target.checked)}
            style={{ marginTop: 16 }}
          >
            {t(TERMS_KEY)}
          </Checkbox>
        </>
      )}
      {failure !== null && (
        <Alert type="error" showIcon role="alert" message={failure} style={{ marginTop: 16 }} />
      )}
      <Flex justify="flex-end" gap="small" style={{ marginTop: 24 }}>
        <Button onClick={onDone}>{t("import.cancel")}</Button>
        {previewed === null ? (
          <Button type="primary" onClick={showPreview} disabled={csv === null} loading={preview.isPending}>
            {t("import.preview")}
          </Button>
        ) : (
          <Button
            type="primary"
            onClick={send}
            disabled={!isTermsAccepted || readyCount === 0}
            loading={importer.isPending}
          >
            {t("import.send")}
          </Button>
        )}
      </Flex>
    </>
  );
}

export function ImportInvitationsModal({
  companyId,
  open,
  onClose,
}: {
  companyId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation("invitations");
  return (
    <Modal
      title={t("import.title")}
      open={open}
      onCancel={onClose}
      footer={null}
      width="min(860px, calc(100vw - 16px))"
      destroyOnHidden
      maskClosable={false}
    >
      {open && <ImportSteps companyId={companyId} onDone={onClose} />}
    </Modal>
  );
}
