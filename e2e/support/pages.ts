// What the browser tests do again and again, written once: logging in through the login page,
// reading the left menu, and finding a 6-digit code in a mail.
import type { Page } from "playwright-core";

export const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? "";

/** Logs in through the login page; waits for the portal when `expectPortal` (the default). */
export async function logIn(
  page: Page,
  baseUrl: string,
  email: string,
  password: string,
  expectPortal = true,
) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  if (expectPortal) await page.waitForURL(/\/c\/[0-9a-f-]{36}/);
}

export async function menuLabels(page: Page): Promise<string[]> {
  const items = page.getByRole("menuitem");
  await items.first().waitFor();
  return (await items.allTextContents()).map((text) => text.trim()).filter(Boolean);
}
