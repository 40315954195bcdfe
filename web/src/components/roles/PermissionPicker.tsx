// The permissions of a role, picked from the catalogue: one fieldset per catalogue group, each
// permission a checkbox with its label and description. Permissions the member may not grant
// (rule 6) are disabled and say why.
import { Checkbox, Flex, Tooltip, Typography } from "antd";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { PermissionDescription, PermissionKey } from "../../api/types";
import { useCatalogueLabels } from "../../i18n/catalogueLabels";

/** Catalogue entries by group, groups in the order they first appear. */
function byGroup(catalogue: readonly PermissionDescription[]): Array<[string, PermissionDescription[]]> {
  const groups = new Map<string, PermissionDescription[]>();
  for (const permission of catalogue) {
    const members = groups.get(permission.group) ?? [];
    members.push(permission);
    groups.set(permission.group, members);
  }
  return [...groups];
}

function PermissionOption({
  permission,
  isChecked,
  isGrantable,
  onToggle,
  reasonId,
}: {
  permission: PermissionDescription;
  isChecked: boolean;
  isGrantable: boolean;
  onToggle: (isChecked: boolean) => void;
  reasonId: string;
}) {
  const descriptionId = useId();
  const { t } = useTranslation("roles");
  const labels = useCatalogueLabels();
  const checkbox = (
    <Checkbox
      checked={isChecked}
      disabled={!isGrantable}
      onChange={(event) => onToggle(event.target.checked)}
      aria-describedby={isGrantable ? descriptionId : `${descriptionId} ${reasonId}`}
    >
      {labels.permissionLabel(permission.key, permission.label)}
    </Checkbox>
  );
  return (
    <div>
      {isGrantable ? (
        checkbox
      ) : (
        // A disabled control gets no pointer events; the tooltip listens on its wrapper.
        <Tooltip title={t("grantLimit")}>
          <span style={{ display: "inline-block" }}>{checkbox}</span>
        </Tooltip>
      )}
      <Typography.Paragraph
        id={descriptionId}
        type="secondary"
        style={{ marginBottom: 0, marginInlineStart: 24, fontSize: 12 }}
      >
        {labels.permissionDescription(permission.key, permission.description)}
      </Typography.Paragraph>
    </div>
  );
}

export function PermissionPicker({
  catalogue,
  mayGrant,
  value = [],
  onChange,
  labelledBy,
  id,
  "aria-describedby": describedBy,
}: {
  catalogue: readonly PermissionDescription[];
  mayGrant: (permission: PermissionKey) => boolean;
  /** Set by the enclosing Form.Item. */
  value?: PermissionKey[];
  onChange?: (permissions: PermissionKey[]) => void;
  /** The id of the heading that names the picker. */
  labelledBy: string;
  /** Set by the enclosing Form.Item: the field's id, and its error message's once one shows. */
  id?: string;
  "aria-describedby"?: string;
}) {
  const reasonId = useId();
  const { t } = useTranslation("roles");
  const labels = useCatalogueLabels();
  const selected = new Set(value);
  const toggle = (key: PermissionKey, isChecked: boolean) => {
    const next = new Set(selected);
    if (isChecked) next.add(key);
    else next.delete(key);
    // In catalogue order, so the request and the summary read the same way every time.
    onChange?.(catalogue.map((permission) => permission.key).filter((candidate) => next.has(candidate)));
  };

  return (
    <fieldset
      id={id}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}
    >
      <span id={reasonId} className="visually-hidden">
        {t("grantLimit")}
      </span>
      <Flex vertical gap="middle">
        {byGroup(catalogue).map(([group, permissions]) => (
          <fieldset key={group} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
            <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 4, border: 0, color: "inherit" }}>
              {labels.permissionGroup(group)}
            </legend>
            <Flex vertical gap="small">
              {permissions.map((permission) => (
                <PermissionOption
                  key={permission.key}
                  permission={permission}
                  isChecked={selected.has(permission.key)}
                  isGrantable={mayGrant(permission.key)}
                  onToggle={(isChecked) => toggle(permission.key, isChecked)}
                  reasonId={reasonId}
                />
              ))}
            </Flex>
          </fieldset>
        ))}
      </Flex>
    </fieldset>
  );
}
