// The database as it is, with every compiled statement handed to executeQuery recorded: what was
// sent, text and values, where a statement log (a plugin) would change how it is built.
import type { CompiledQuery, Kysely } from "kysely";
import type { DB } from "../../server/db/schema.js";

export function recording(db: Kysely<DB>): { db: Kysely<DB>; sent: CompiledQuery[] } {
  const sent: CompiledQuery[] = [];
  const proxy = new Proxy(db, {
    get(target, property) {
      if (property === "executeQuery") {
        return (query: CompiledQuery) => {
          sent.push(query);
          return target.executeQuery(query);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, sent };
}
