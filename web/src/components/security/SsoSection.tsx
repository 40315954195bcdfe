// Company settings > Security > Single sign-on (`security.manage`): the company's one connection
// (OpenID Connect or SAML 2.0), group → role mapping, default role, Require SSO and its break-glass
// Admins, with the values the identity provider needs. Saving may open the Email Verification window.
import {
  Alert,
  App,
  Button,
  Descriptions,
  Form,
  Input,
  Radio,
  Select,
  Skeleton,
  Space,
  Switch,
  Typography,
} from "antd";
import { useEffect, useId } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "../../api/client";
import { useMembers } from "../../api/memberQueries";
import { useRoles } from "../../api/queries";
import { type SsoSettings, useChangeSsoSettings, useSsoSettings } from "../../api/ssoQueries";
import type { MemberScope } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";
import { describeError } from "../errorMessages";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";
import { MAPPING_SCOPE_RULES, SsoMappingScope } from "./SsoMappingScope";

interface SsoForm {
  protocol: "oidc" | "saml";
  enabled: boolean;
  oidcIssuer: string;
  oidcClientId: string;
  oidcClientSecret: string;
  samlIdpEntityId: string;
  samlSsoUrl: string;
  samlCertificate: string;
  samlAllowIdpInitiated: boolean;
  groupsAttribute: string;
  defaultRoleId: string | undefined;
  mappings: { group: string; roleId: string; scope?: MemberScope }[];
  requireSso: boolean;
  breakGlassMemberIds: string[];
}

const blankToNull = (value: string | undefined) => (value && value.trim() !== "" ? value.trim() : null);

function SsoEditor({ companyId, settings }: { companyId: string; settings: SsoSettings }) {
  const { t } = useTranslation("security");
  const { roleName } = useCatalogueLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<SsoForm>();
  const change = useChangeSsoSettings(companyId);
  const roles = useRoles(companyId);
  const admins = useMembers(
    companyId,
    { role: "admin", status: "active" },
    { cursor: undefined, limit: 100 },
  );
  const protocol = Form.useWatch("protocol", form) ?? settings.protocol ?? "oidc";
  const roleOptions = (roles.data?.items ?? []).map((role) => ({ value: role.id, label: roleName(role) }));

  useEffect(() => {
    form.setFieldsValue({
      protocol: settings.protocol ?? "oidc",
      enabled: settings.enabled,
      oidcIssuer: settings.oidcIssuer ?? "",
      oidcClientId: settings.oidcClientId ?? "",
      oidcClientSecret: "",
      samlIdpEntityId: settings.samlIdpEntityId ?? "",
      samlSsoUrl: settings.samlSsoUrl ?? "",
      samlCertificate: settings.samlCertificate ?? "",
      samlAllowIdpInitiated: settings.samlAllowIdpInitiated,
      groupsAttribute: settings.groupsAttribute,
      defaultRoleId: settings.defaultRoleId ?? undefined,
      mappings: settings.mappings,
      requireSso: settings.requireSso,
      breakGlassMemberIds: settings.breakGlassMemberIds,
    });
  }, [form, settings]);

  const save = (values: SsoForm) => {
    const secret = values.oidcClientSecret?.trim() ?? "";
    change.mutate(
      {
        protocol: values.protocol,
        enabled: values.enabled,
        oidcIssuer: blankToNull(values.oidcIssuer),
        oidcClientId: blankToNull(values.oidcClientId),
        // Left empty, the stored secret stays: it is never shown again.
        ...(secret !== "" ? { oidcClientSecret: secret } : {}),
        samlIdpEntityId: blankToNull(values.samlIdpEntityId),
        samlSsoUrl: blankToNull(values.samlSsoUrl),
        samlCertificate: blankToNull(values.samlCertificate),
        samlAllowIdpInitiated: values.samlAllowIdpInitiated ?? false,
        groupsAttribute: values.groupsAttribute?.trim() || "groups",
        defaultRoleId: values.defaultRoleId ?? null,
        mappings: (values.mappings ?? []).filter((m) => m?.group && m.roleId),
        requireSso: values.requireSso ?? false,
        breakGlassMemberIds: values.breakGlassMemberIds ?? [],
        version: settings.version,
      },
      {
        onSuccess: () => void message.success(t("sso.saved")),
        onError: (error) => {
          const field = isApiError(error) ? (error.details?.field as keyof SsoForm | undefined) : undefined;
          if (field) form.setFields([{ name: field, errors: [describeError(error)] }]);
          else void message.error(describeError(error));
        },
      },
    );
  };

  const sp = settings.serviceProvider;
  return (
    <Form<SsoForm> form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }}>
      {settings.verifiedDomains.length === 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t("sso.noVerifiedDomain")}
          description={t("sso.noVerifiedDomainDetail")}
        />
      )}
      <Form.Item name="protocol" label={t("sso.protocol")}>
        <Radio.Group>
          <Radio value="oidc">{t("sso.protocolOidc")}</Radio>
          <Radio value="saml">{t("sso.protocolSaml")}</Radio>
        </Radio.Group>
      </Form.Item>
      <Descriptions size="small" column={1} bordered style={{ marginBottom: 24 }} title={t("sso.giveIdp")}>
        {protocol === "oidc" ? (
          <Descriptions.Item label={t("sso.redirectUri")}>
            <Typography.Text copyable>{sp.oidcRedirectUri}</Typography.Text>
          </Descriptions.Item>
        ) : (
          <>
            <Descriptions.Item label={t("sso.acsUrl")}>
              <Typography.Text copyable>{sp.samlAcsUrl}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("sso.entityId")}>
              <Typography.Text copyable>{sp.samlEntityId}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("sso.metadata")}>
              <Typography.Text copyable>{sp.samlMetadataUrl}</Typography.Text>
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      {protocol === "oidc" ? (
        <>
          <Form.Item name="oidcIssuer" label={t("sso.issuerUrl")} extra={t("sso.issuerUrlHint")}>
            <Input inputMode="url" spellCheck={false} />
          </Form.Item>
          <Form.Item name="oidcClientId" label={t("sso.clientId")}>
            <Input spellCheck={false} />
          </Form.Item>
          <Form.Item
            name="oidcClientSecret"
            label={t("sso.clientSecret")}
            extra={settings.hasClientSecret ? t("sso.clientSecretStored") : t("sso.clientSecretNew")}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name="samlIdpEntityId" label={t("sso.idpEntityId")}>
            <Input spellCheck={false} />
          </Form.Item>
          <Form.Item name="samlSsoUrl" label={t("sso.idpSsoUrl")}>
            <Input inputMode="url" spellCheck={false} />
          </Form.Item>
          <Form.Item name="samlCertificate" label={t("sso.idpCertificate")}>
            <Input.TextArea rows={4} spellCheck={false} />
          </Form.Item>
          <Form.Item name="samlAllowIdpInitiated" label={t("sso.allowIdpInitiated")} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
      <Form.Item name="groupsAttribute" label={t("sso.groupsAttribute")}>
        <Input spellCheck={false} />
      </Form.Item>
      <Form.List name="mappings">
        {(fields, { add, remove }) => (
          <fieldset style={{ border: 0, padding: 0, margin: "0 0 24px" }}>
            <legend style={{ fontSize: 14, marginBottom: 8 }}>{t("sso.mappings")}</legend>
            {fields.map((field, index) => (
              <Space key={field.key} align="baseline" wrap>
                <Form.Item
                  name={[field.name, "group"]}
                  rules={[{ required: true, message: t("sso.enterGroup") }]}
                >
                  <Input
                    placeholder={t("sso.group")}
                    aria-label={t("sso.groupNumbered", { number: index + 1 })}
                  />
                </Form.Item>
                <Form.Item
                  name={[field.name, "roleId"]}
                  rules={[{ required: true, message: t("sso.chooseRole") }]}
                >
                  <Select
                    style={{ minWidth: 180 }}
                    options={roleOptions}
                    aria-label={t("sso.roleOfGroup", { number: index + 1 })}
                  />
                </Form.Item>
                <Form.Item name={[field.name, "scope"]} rules={MAPPING_SCOPE_RULES}>
                  <SsoMappingScope companyId={companyId} index={index} />
                </Form.Item>
                <Button
                  onClick={() => remove(field.name)}
                  aria-label={t("sso.removeMapping", { number: index + 1 })}
                >
                  {t("sso.remove")}
                </Button>
              </Space>
            ))}
            <Button onClick={() => add({ group: "", roleId: undefined })}>{t("sso.addMapping")}</Button>
          </fieldset>
        )}
      </Form.List>
      <Form.Item name="defaultRoleId" label={t("sso.defaultRole")} extra={t("sso.defaultRoleHint")}>
        <Select allowClear options={roleOptions} />
      </Form.Item>
      <Form.Item name="enabled" label={t("sso.enable")} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item
        name="requireSso"
        label={t("sso.require")}
        valuePropName="checked"
        extra={t("sso.requireHint")}
      >
        <Switch />
      </Form.Item>
      <Form.Item name="breakGlassMemberIds" label={t("sso.breakGlass")} extra={t("sso.breakGlassHint")}>
        <Select
          mode="multiple"
          maxCount={2}
          loading={admins.isPending}
          options={(admins.data?.items ?? []).map((m) => ({ value: m.id, label: `${m.name} (${m.email})` }))}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        {t("sso.update")}
      </Button>
    </Form>
  );
}

export function SsoSection({ companyId }: { companyId: string }) {
  const { t } = useTranslation("security");
  const headingId = useId();
  const settings = useSsoSettings(companyId);
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{t("sso.title")}</SectionTitle>
      {settings.isPending ? (
        <Skeleton active />
      ) : settings.isError ? (
        <QueryErrorResult error={settings.error} onRetry={() => settings.refetch()} />
      ) : (
        <SsoEditor companyId={companyId} settings={settings.data} />
      )}
    </section>
  );
}
