// The predefined roles' names and descriptions and the permission catalogue in the reader's
// language (the `catalogue` namespace). A custom role keeps the name its company gave it; a
// permission or group this build does not know keeps the server's English.
import { useTranslation } from "react-i18next";

type RoleLike = { key: string | null; name: string; description?: string };

export interface CatalogueLabels {
  roleName: (role: RoleLike) => string;
  roleDescription: (role: RoleLike & { description: string }) => string;
  permissionLabel: (key: string, fallback: string) => string;
  permissionDescription: (key: string, fallback: string) => string;
  permissionGroup: (group: string) => string;
}

export function useCatalogueLabels(): CatalogueLabels {
  const { t } = useTranslation("catalogue");
  return {
    roleName: (role) =>
      role.key === null ? role.name : t(`roles.${role.key}.name`, { defaultValue: role.name }),
    roleDescription: (role) =>
      role.key === null
        ? role.description
        : t(`roles.${role.key}.description`, { defaultValue: role.description }),
    permissionLabel: (key, fallback) => t(`permissions.${key}.label`, { defaultValue: fallback }),
    permissionDescription: (key, fallback) => t(`permissions.${key}.description`, { defaultValue: fallback }),
    permissionGroup: (group) => t(`permissionGroups.${group}`, { defaultValue: group }),
  };
}
