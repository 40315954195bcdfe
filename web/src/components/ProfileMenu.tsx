// The top bar's profile menu: who is logged in, their `Profile`, `Security` and `Log out`.
import { Button, Dropdown, Flex, type MenuProps, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import type { Account } from "../api/types";
import { useSignOut } from "./useSignOut";

export function ProfileMenu({ account }: { account: Account }) {
  const { t } = useTranslation("shell");
  const { signOut, isSigningOut } = useSignOut();
  const navigate = useNavigate();

  const items: MenuProps["items"] = [
    {
      key: "identity",
      disabled: true,
      label: (
        <Flex vertical>
          <Typography.Text strong>{account.name}</Typography.Text>
          <Typography.Text type="secondary">{account.email}</Typography.Text>
        </Flex>
      ),
    },
    { type: "divider" },
    { key: "profile", label: t("profileMenu.profile") },
    { key: "security", label: t("profileMenu.security") },
    { key: "logout", label: t("profileMenu.logOut") },
  ];

  const onClick: MenuProps["onClick"] = ({ key }) => {
    if (key === "profile") navigate("/profile");
    if (key === "security") navigate("/profile/security");
    if (key === "logout") signOut();
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={["click"]} placement="bottomRight">
      <Button type="text" disabled={isSigningOut} style={{ maxWidth: "min(240px, 30vw)" }}>
        <span className="truncated-text">{account.name || account.email}</span>
      </Button>
    </Dropdown>
  );
}
