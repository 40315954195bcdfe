// The left menu: one item per section the current membership may open, the `Account`
// submenu only when at least one of its entries is open.
import { Menu, type MenuProps } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";
import { allowedEntries, companyPath, type NavigationGroup } from "../navigation";

type MenuItem = NonNullable<MenuProps["items"]>[number];

const groupKey = (group: NavigationGroup) => `group:${group}`;

export function PortalMenu({
  companyId,
  permissions,
  selectedKey,
  onNavigate,
}: {
  companyId: string;
  permissions: readonly string[];
  selectedKey: string | undefined;
  /** Called when a section is chosen, also the one already open (the drawer closes on it). */
  onNavigate?: () => void;
}) {
  const { t } = useTranslation("shell");
  const navigate = useNavigate();
  const [openKeys, setOpenKeys] = useState<string[]>([groupKey("account"), groupKey("settings")]);

  const entries = allowedEntries(permissions);
  const items: MenuItem[] = [];
  const groupChildren = new Map<NavigationGroup, MenuItem[]>();
  for (const entry of entries) {
    // A link, so sections open in a new tab too; antd stretches it over the whole item.
    const item: MenuItem = {
      key: entry.key,
      label: <Link to={companyPath(companyId, entry.path)}>{t(`nav.${entry.key}.label`)}</Link>,
    };
    if (entry.group === null) {
      items.push(item);
      continue;
    }
    let children = groupChildren.get(entry.group);
    if (children === undefined) {
      children = [];
      groupChildren.set(entry.group, children);
      items.push({ key: groupKey(entry.group), label: t(`navGroups.${entry.group}`), children });
    }
    children.push(item);
  }

  const paths = new Map<string, string>(entries.map((entry) => [entry.key, entry.path]));
  // A click lands on the link; Enter on a focused item reaches only the menu, so it navigates here.
  const onClick: MenuProps["onClick"] = ({ key, domEvent }) => {
    const path = paths.get(key);
    onNavigate?.();
    if (domEvent.type === "keydown" && path !== undefined) navigate(companyPath(companyId, path));
  };

  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={selectedKey === undefined ? [] : [selectedKey]}
      openKeys={openKeys}
      onOpenChange={setOpenKeys}
      onClick={onClick}
      style={{ borderInlineEnd: "none" }}
    />
  );
}
