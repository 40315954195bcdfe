// What the app really serves, read from Fastify's own route tree, so route lists in tests can be
// checked against it rather than trusted.

/** Reads `method path` pairs out of the tree app.printRoutes({ commonPrefix: false }) draws. */
export function routesFromPrintout(printout: string): string[] {
  const routes: string[] = [];
  const ancestors: string[] = [];
  for (const line of printout.split("\n")) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? "").length / 4;
    ancestors.length = depth;
    const segment = match[2] ?? "";
    const fullPath = ancestors.join("") + segment;
    ancestors.push(segment);
    for (const method of (match[3] ?? "").split(",").map((m) => m.trim())) {
      if (method) routes.push(`${method} ${fullPath}`);
    }
  }
  return routes;
}
