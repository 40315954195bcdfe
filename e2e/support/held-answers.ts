// Holding the server's answers back from the page, to see what the UI does while a change is in
// flight: the server has acted, the browser does not know yet.
import type { Page, Route } from "playwright-core";
import { onTestFinished } from "vitest";

/**
 * From now on, the answers to requests matching `url` reach `page` only once `release()` is called.
 * A `403 step_up_required` passes at once, so the Email Verification window can open and the
 * verified retry is the request held.
 */
export async function holdAnswers(page: Page, url: string | RegExp) {
  const heldUrls: string[] = [];
  const delivered: Promise<void>[] = [];
  let resolveReleased = () => {};
  const released = new Promise<void>((resolve) => {
    resolveReleased = resolve;
  });
  const hold = async (route: Route) => {
    const response = await route.fetch();
    if (response.status() === 403 && (await response.text()).includes("step_up_required")) {
      return route.fulfill({ response });
    }
    heldUrls.push(route.request().url());
    const delivery = released.then(() => route.fulfill({ response }));
    delivered.push(delivery);
    await delivery;
  };
  await page.route(url, hold);
  const release = async () => {
    resolveReleased();
    // Unrouting first would drop the answers still held.
    await Promise.all(delivered);
    await page.unroute(url, hold);
  };
  // A test that fails before its release lets the answers go when it ends: the next test on the
  // same page would otherwise wait for answers that never come, and fail for this one's reason.
  onTestFinished(async () => {
    if (!page.isClosed()) await release();
  });
  return {
    /** The requests the server answered whose answers were held back, in order. */
    heldUrls: () => [...heldUrls],
    /** Lets the held answers through, and stops holding. */
    release,
  };
}
