// The first thing the Tab key reaches on every page: a link, shown only while focused, that moves
// the focus past the menu and header to the page's main landmark.
import type { MouseEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** The id of the main landmark the skip link moves to; that element takes focus (tabIndex -1). */
export const MAIN_CONTENT_ID = "main-content";

function focusMainContent(event: MouseEvent<HTMLAnchorElement>) {
  // Focused directly: a `#main-content` fragment would be read as a token by the pages whose
  // links carry one in the fragment.
  event.preventDefault();
  document.getElementById(MAIN_CONTENT_ID)?.focus();
}

export function SkipLink() {
  const { t } = useTranslation("shell");
  return (
    <a className="skip-link" href={`#${MAIN_CONTENT_ID}`} onClick={focusMainContent}>
      {t("skipToMain")}
    </a>
  );
}

/** A page shown outside the portal's layout and the public card: the skip link and the main landmark. */
export function StandaloneMain({ children }: { children: ReactNode }) {
  return (
    <>
      <SkipLink />
      <main id={MAIN_CONTENT_ID} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
