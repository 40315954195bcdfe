// One tooltip for every cut value (`.truncated-text`) inside a container: the full text on hover and
// on focus (SPEC §6.7). A table of 100 members would otherwise mount 200 tooltips and tear them all
// down at each page change, which is most of the time a next page takes to show.
import { theme } from "antd";
import { type FocusEvent, type MouseEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { createPortal } from "react-dom";

const CUT_TEXT = ".truncated-text";
const GAP_PX = 6;

type Shown = { text: string; left: number; top: number; bottom: number; element: Element };

function cutTextOf(target: EventTarget | null): HTMLElement | null {
  return target instanceof Element ? (target.closest(CUT_TEXT) as HTMLElement | null) : null;
}

/** Where the tooltip of `element` goes, or null when there is nothing to show or to point at. */
function placeOf(element: Element): Shown | null {
  const text = element.textContent ?? "";
  if (text === "" || !element.isConnected) return null;
  const rect = element.getBoundingClientRect();
  const outOfWindow =
    rect.bottom < 0 || rect.top > window.innerHeight || rect.right < 0 || rect.left > window.innerWidth;
  return outOfWindow ? null : { text, left: rect.left, top: rect.top, bottom: rect.bottom, element };
}

/** Handlers for the container, and the tooltip to render once beside it. */
export function useCutTextTooltip(): {
  handlers: {
    onMouseOver: (event: MouseEvent) => void;
    onMouseOut: (event: MouseEvent) => void;
    onFocus: (event: FocusEvent) => void;
    onBlur: (event: FocusEvent) => void;
  };
  tooltip: ReactNode;
} {
  const { token } = theme.useToken();
  const [shown, setShown] = useState<Shown | null>(null);

  const show = useCallback((target: EventTarget | null) => {
    const element = cutTextOf(target);
    const place = element ? placeOf(element) : null;
    if (place) setShown(place);
  }, []);
  // Leaving for a child of the same value is not leaving it.
  const hide = useCallback((related: EventTarget | null) => {
    setShown((current) =>
      current && related instanceof Node && current.element.contains(related) ? current : null,
    );
  }, []);

  // On a scrolled or resized page the tooltip stays beside its value, and goes when the value has
  // left the window. Focusing a value half out of view scrolls it in, and that scroll must not close
  // the tooltip the focus opened.
  useEffect(() => {
    if (!shown) return;
    const follow = () =>
      setShown((current) => {
        const place = current ? placeOf(current.element) : null;
        const moved =
          place?.left !== current?.left || place?.top !== current?.top || place?.text !== current?.text;
        return moved ? place : current;
      });
    window.addEventListener("scroll", follow, true);
    window.addEventListener("resize", follow);
    return () => {
      window.removeEventListener("scroll", follow, true);
      window.removeEventListener("resize", follow);
    };
  }, [shown]);

  // The value left the page (a new page of rows): its tooltip goes with it.
  if (shown && !shown.element.isConnected) setShown(null);

  const below = shown ? shown.bottom + GAP_PX + 40 < window.innerHeight : true;
  const tooltip = shown
    ? createPortal(
        <div
          role="tooltip"
          className="cut-text-tooltip"
          style={{
            position: "fixed",
            left: Math.max(8, Math.min(shown.left, window.innerWidth - 328)),
            ...(below ? { top: shown.bottom + GAP_PX } : { bottom: window.innerHeight - shown.top + GAP_PX }),
            maxWidth: 320,
            zIndex: token.zIndexPopupBase + 70,
            padding: `${token.paddingXXS + 2}px ${token.paddingXS}px`,
            borderRadius: token.borderRadius,
            background: token.colorBgSpotlight,
            color: token.colorTextLightSolid,
            boxShadow: token.boxShadowSecondary,
            fontSize: token.fontSize,
            lineHeight: token.lineHeight,
            overflowWrap: "anywhere",
            pointerEvents: "none",
          }}
        >
          {shown.text}
        </div>,
        document.body,
      )
    : null;

  return {
    handlers: {
      onMouseOver: (event) => show(event.target),
      onMouseOut: (event) => {
        if (cutTextOf(event.target)) hide(event.relatedTarget);
      },
      onFocus: (event) => show(event.target),
      onBlur: (event) => {
        if (cutTextOf(event.target)) hide(event.relatedTarget);
      },
    },
    tooltip,
  };
}
