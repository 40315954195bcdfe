// "Chrome on Windows" from a user agent, for the profile's sessions and security events; the raw
// string stays available to the caller as a tooltip. Browser and system names are proper names.
import type { Translate } from "../wording/catalogueText.js";

const browsers: ReadonlyArray<[RegExp, string]> = [
  [/Edg(e|A|iOS)?\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/Firefox\/|FxiOS\//, "Firefox"],
  [/Chrome\/|CriOS\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const systems: ReadonlyArray<[RegExp, string]> = [
  [/Windows/, "Windows"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** "Chrome on Windows" from a user agent, in the words of `t` (the `profile` namespace). */
export function describeDevice(userAgent: string | null, t: Translate): string {
  if (userAgent === null || userAgent.trim() === "") return t("device.unknown");
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return t("device.browserOnSystem", { browser, system });
  return browser ?? system ?? t("device.unknown");
}
