// Before the browser tests: the web app must be built, since the server under test serves it.
// @ts-expect-error: a plain ES module script shared with `npm start`
import { buildWebIfStale } from "../../scripts/build-web.mjs";

export default function setup() {
  buildWebIfStale();
}
