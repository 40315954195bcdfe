// Logging out from anywhere in the portal: end the session server-side, then go to /login
// even if the server no longer knew the session.
import { useNavigate } from "react-router-dom";
import { useLogout } from "../api/queries";

export function useSignOut() {
  const logout = useLogout();
  const navigate = useNavigate();
  const signOut = () => logout.mutate(undefined, { onSettled: () => navigate("/login", { replace: true }) });
  return { signOut, isSigningOut: logout.isPending };
}
