// Micro-benchmark of the JSON body parser: Fastify's own against ours (the same, plus the refusal
// of duplicate keys), on an ordinary 200-byte body and a 50 KB one. Not part of npm test.
// Run: npx tsx bench/json-parse.ts
import Fastify, { type FastifyRequest } from "fastify";
import { refusingDuplicateKeys } from "../server/http/json-body.js";

const fastifyParser = Fastify().getDefaultJsonParser("error", "error");
const ourParser = refusingDuplicateKeys(fastifyParser);

const smallBody = JSON.stringify({
  name: "Regional finance lead",
  description: "Reads settlements and downloads the monthly reports.",
  permissions: ["settlements.view", "settlements.download", "transactions.view"],
});

// An array of objects with strings (escapes included), numbers, booleans and nesting, ~50 KB.
const largeBody = JSON.stringify({
  items: Array.from({ length: 200 }, (_, i) => ({
    id: `0b5e6a4c-1b2d-4c3e-9f00-${String(i).padStart(12, "0")}`,
    email: `person.${i}@example.com`,
    name: `Person "${i}" \\ {braces}`,
    roles: ["finance", "developer"],
    active: i % 3 !== 0,
    amount: i * 12.5,
    address: { street: `${i} Market Street`, city: "Singapore", postcode: "018956" },
  })),
});

// The same with a colon in a string value in each item (times, URLs): the scanner decides there.
const largeBodyWithColons = JSON.stringify({
  items: (JSON.parse(largeBody) as { items: Record<string, unknown>[] }).items.map((item, i) => ({
    ...item,
    seenAt: `2026-03-02T09:${String(i % 60).padStart(2, "0")}:00Z`,
  })),
});

type Parser = typeof fastifyParser;

function parseOnce(parser: Parser, body: string): void {
  parser({} as FastifyRequest, body, (error) => {
    if (error) throw error;
  });
}

/** Nanoseconds per call: the fastest of `rounds` timed batches, after a warm-up. */
function measure(run: () => void, iterations: number, rounds = 9): number {
  for (let i = 0; i < iterations; i += 1) run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / iterations);
  }
  return best;
}

const format = (ns: number) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

/** Before and after, alternated so a slower stretch of this shared machine weighs on both alike. */
function compare(label: string, bytes: number, before: () => void, after: () => void, iterations: number) {
  let b = Number.POSITIVE_INFINITY;
  let a = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 7; pass += 1) {
    b = Math.min(b, measure(before, iterations));
    a = Math.min(a, measure(after, iterations));
  }
  const percent = `${(((a - b) / b) * 100).toFixed(1)} %`;
  console.log(
    `${label.padEnd(34)}${String(bytes).padStart(7)}  ${format(b).padStart(10)}  ${format(a).padStart(10)}  ${percent.padStart(8)}  (${a >= b ? "+" : "-"}${format(Math.abs(a - b))})`,
  );
}

console.log(`${"parse only".padEnd(34)}  bytes      before       after  difference`);
for (const [label, body, iterations] of [
  ["ordinary body", smallBody, 50_000],
  ["large body", largeBody, 300],
  ["large body, a colon in each item", largeBodyWithColons, 300],
] as const) {
  compare(
    label,
    body.length,
    () => parseOnce(fastifyParser, body),
    () => parseOnce(ourParser, body),
    iterations,
  );
}

// The whole request through Fastify (inject: no socket), to a route that only answers 204.
async function appWith(refuseDuplicates: boolean) {
  const app = Fastify();
  if (refuseDuplicates) {
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, ourParser);
  }
  app.post("/", async (_request, reply) => reply.code(204).send());
  await app.ready();
  return app;
}
const plain = await appWith(false);
const refusing = await appWith(true);
console.log(`${"\nwhole request (inject)".padEnd(35)}  bytes      before       after  difference`);
for (const [label, body, batchSize] of [
  ["ordinary body", smallBody, 200],
  ["large body", largeBody, 10],
] as const) {
  const request = {
    method: "POST" as const,
    url: "/",
    payload: body,
    headers: { "content-type": "application/json" },
  };
  // Many short batches, the two apps in turn; the fastest batch of each is the least disturbed.
  const fastestBatch = async (app: typeof plain) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < batchSize; i += 1) await app.inject(request);
    return Number(process.hrtime.bigint() - started) / batchSize;
  };
  let b = Number.POSITIVE_INFINITY;
  let a = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < 60; pass += 1) {
    b = Math.min(b, await fastestBatch(plain));
    a = Math.min(a, await fastestBatch(refusing));
  }
  const percent = `${(((a - b) / b) * 100).toFixed(1)} %`;
  console.log(
    `${label.padEnd(34)}${String(body.length).padStart(7)}  ${format(b).padStart(10)}  ${format(a).padStart(10)}  ${percent.padStart(8)}`,
  );
}
await plain.close();
await refusing.close();
