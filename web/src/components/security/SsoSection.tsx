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
import { isApiError } from "../../api/client";
import { useMembers } from "../../api/memberQueries";
import { useRoles } from "../../api/queries";
import { type SsoSettings, useChangeSsoSettings, useSsoSettings } from "../../api/ssoQueries";
import type { MemberScope } from "../../api/types";
import { describeError } from "../errorMessages";
import { SectionTitle } from "../PageTitle";
import { QueryErrorResult } from "../QueryErrorResult";
import { MAPPING_SCOPE_RULES, SsoMappingScope } from "./SsoMappingScope";

export const SSO_SECTION_TITLE = "Single sign-on";

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
  const roleOptions = (roles.data?.items ?? []).map((role) => ({ value: role.id, label: role.name }));

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
        onSuccess: () => void message.success("The single sign-on settings were saved successfully"),
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
          message="No verified domain yet"
          description="Single sign-on serves emails of the company's verified domains only: verify a domain first."
        />
      )}
      <Form.Item name="protocol" label="Protocol">
        <Radio.Group>
          <Radio value="oidc">OpenID Connect</Radio>
          <Radio value="saml">SAML 2.0</Radio>
        </Radio.Group>
      </Form.Item>
      <Descriptions
        size="small"
        column={1}
        bordered
        style={{ marginBottom: 24 }}
        title="Give your identity provider"
      >
        {protocol === "oidc" ? (
          <Descriptions.Item label="Redirect URI">
            <Typography.Text copyable>{sp.oidcRedirectUri}</Typography.Text>
          </Descriptions.Item>
        ) : (
          <>
            <Descriptions.Item label="ACS URL">
              <Typography.Text copyable>{sp.samlAcsUrl}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="Entity ID">
              <Typography.Text copyable>{sp.samlEntityId}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="Metadata">
              <Typography.Text copyable>{sp.samlMetadataUrl}</Typography.Text>
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      {protocol === "oidc" ? (
        <>
          <Form.Item
            name="oidcIssuer"
            label="Issuer URL"
            extra="Its /.well-known/openid-configuration is read."
          >
            <Input inputMode="url" spellCheck={false} />
          </Form.Item>
          <Form.Item name="oidcClientId" label="Client ID">
            <Input spellCheck={false} />
          </Form.Item>
          <Form.Item
            name="oidcClientSecret"
            label="Client secret"
            extra={
              settings.hasClientSecret
                ? "A secret is stored and never shown. Leave empty to keep it."
                : "Stored encrypted and never shown again."
            }
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name="samlIdpEntityId" label="Identity provider entity ID">
            <Input spellCheck={false} />
          </Form.Item>
          <Form.Item name="samlSsoUrl" label="Identity provider sign-in URL">
            <Input inputMode="url" spellCheck={false} />
          </Form.Item>
          <Form.Item name="samlCertificate" label="Identity provider signing certificate (PEM)">
            <Input.TextArea rows={4} spellCheck={false} />
          </Form.Item>
          <Form.Item
            name="samlAllowIdpInitiated"
            label="Allow sign-in started at the identity provider"
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </>
      )}
      <Form.Item name="groupsAttribute" label="Groups claim or attribute">
        <Input spellCheck={false} />
      </Form.Item>
      <Form.List name="mappings">
        {(fields, { add, remove }) => (
          <fieldset style={{ border: 0, padding: 0, margin: "0 0 24px" }}>
            <legend style={{ fontSize: 14, marginBottom: 8 }}>Group to role mapping</legend>
            {fields.map((field, index) => (
              <Space key={field.key} align="baseline" wrap>
                <Form.Item
                  name={[field.name, "group"]}
                  rules={[{ required: true, message: "Enter a group" }]}
                >
                  <Input placeholder="Group" aria-label={`Group ${index + 1}`} />
                </Form.Item>
                <Form.Item
                  name={[field.name, "roleId"]}
                  rules={[{ required: true, message: "Choose a role" }]}
                >
                  <Select
                    style={{ minWidth: 180 }}
                    options={roleOptions}
                    aria-label={`Role of group ${index + 1}`}
                  />
                </Form.Item>
                <Form.Item name={[field.name, "scope"]} rules={MAPPING_SCOPE_RULES}>
                  <SsoMappingScope companyId={companyId} index={index} />
                </Form.Item>
                <Button onClick={() => remove(field.name)} aria-label={`Remove mapping ${index + 1}`}>
                  Remove
                </Button>
              </Space>
            ))}
            <Button onClick={() => add({ group: "", roleId: undefined })}>Add mapping</Button>
          </fieldset>
        )}
      </Form.List>
      <Form.Item
        name="defaultRoleId"
        label="Default role"
        extra="For a new member none of whose groups is mapped. Empty: such a person is refused."
      >
        <Select allowClear options={roleOptions} />
      </Form.Item>
      <Form.Item name="enabled" label="Enable single sign-on" valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item
        name="requireSso"
        label="Require single sign-on"
        valuePropName="checked"
        extra="Password login is then refused for emails of the verified domains, except for the break-glass Admins."
      >
        <Switch />
      </Form.Item>
      <Form.Item
        name="breakGlassMemberIds"
        label="Break-glass Admins"
        extra="At most two; they keep password and second factor."
      >
        <Select
          mode="multiple"
          maxCount={2}
          loading={admins.isPending}
          options={(admins.data?.items ?? []).map((m) => ({ value: m.id, label: `${m.name} (${m.email})` }))}
        />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        Update single sign-on
      </Button>
    </Form>
  );
}

export function SsoSection({ companyId }: { companyId: string }) {
  const headingId = useId();
  const settings = useSsoSettings(companyId);
  return (
    <section aria-labelledby={headingId} style={{ marginTop: 40 }}>
      <SectionTitle id={headingId}>{SSO_SECTION_TITLE}</SectionTitle>
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
