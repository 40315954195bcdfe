// The one CSV download of the portal sections: audited, streamed, named after the section and day.
import type { FastifyReply, FastifyRequest } from "fastify";
import { callerOf } from "../access/guard.js";
import type { Scope } from "../access/scope.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/connect.js";
import { callerScope } from "../merchant-accounts/caller-scope.js";
import { type CsvExport, exportCsv } from "./service.js";

/** A handler for GET …/:cid/<section>/export, whose query string holds the export's filters. */
export function csvExportHandler<Query extends object, Row>(
  { database, clock }: { database: Database; clock: Clock },
  fileName: string,
  /** The export of this query for a caller of this scope (SPEC §6.4: only the scope's accounts). */
  specOf: (companyId: string, query: Query, scope: Scope) => CsvExport<Row> | Promise<CsvExport<Row>>,
) {
  return async (
    request: FastifyRequest<{ Params: { cid: string }; Querystring: Query }>,
    reply: FastifyReply,
  ) => {
    const companyId = request.params.cid;
    const query = request.query as Query;
    const spec = await specOf(companyId, query, callerScope(request));
    const caller = callerOf(request);
    const now = clock.now();
    const stream = await exportCsv(
      database.db,
      { companyId, actor: { accountId: caller.accountId, email: caller.email }, meta: request.meta, at: now },
      query,
      spec,
    );
    return reply
      .type("text/csv; charset=utf-8")
      .header(
        "content-disposition",
        `attachment; filename="${fileName}-${now.toISOString().slice(0, 10)}.csv"`,
      )
      .send(stream);
  };
}
