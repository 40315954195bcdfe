// The production build's text files, each also written brotli- and gzip-compressed beside itself
// (app.js.br, app.js.gz), so the server sends them compressed without compressing on each request
// (@fastify/static's preCompressed picks the sibling the browser accepts).
import fs from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Compressed only: text a browser loads; smaller files gain too little to be worth a second request path. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt)$/;
export const MIN_COMPRESSED_BYTES = 1024;

/** Writes `file.br` and `file.gz` beside each compressible file of `dir` named in `files`; returns those compressed. */
export function precompressFiles(dir: string, files: readonly string[]): string[] {
  const done: string[] = [];
  for (const file of files) {
    if (!COMPRESSIBLE.test(file)) continue;
    const full = path.join(dir, file);
    const content = fs.readFileSync(full);
    if (content.length < MIN_COMPRESSED_BYTES) continue;
    const brotli = brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    });
    fs.writeFileSync(`${full}.br`, brotli);
    fs.writeFileSync(`${full}.gz`, gzipSync(content, { level: 9 }));
    done.push(file);
  }
  return done;
}
