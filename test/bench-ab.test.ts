// The A/B bench (bench/ab.ts) counts statements and rows per request from the PostgreSQL protocol's
// message types on the wire; a TCP stream cuts messages anywhere, so the scanner must not miscount.
import { describe, expect, it } from "vitest";
import { messageScanner } from "../bench/ab.js";

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function startup(): Buffer {
  const body = Buffer.from("user\0postgres\0database\0portal_ab\0\0", "latin1");
  const packet = Buffer.alloc(8 + body.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(196608, 4);
  body.copy(packet, 8);
  return packet;
}

describe("A/B bench: PostgreSQL messages counted on the wire", () => {
  const stream = Buffer.concat([
    startup(),
    message("P", Buffer.from("portal_1\0SELECT 1\0\0\0", "latin1")),
    message("B", Buffer.alloc(12)),
    message("E", Buffer.from("\0\0\0\0\0", "latin1")),
    message("S", Buffer.alloc(0)),
    message("Q", Buffer.from("SELECT 2\0", "latin1")),
  ]);

  it("reads each message's type once, the startup packet skipped", () => {
    const types: string[] = [];
    messageScanner((type) => types.push(String.fromCharCode(type)), true)(stream);
    expect(types).toEqual(["P", "B", "E", "S", "Q"]);
  });

  it("counts the same however the stream is cut into chunks", () => {
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const types: string[] = [];
      const scan = messageScanner((type) => types.push(String.fromCharCode(type)), true);
      for (let at = 0; at < stream.length; at += size) scan(stream.subarray(at, at + size));
      expect(types, `chunks of ${size} bytes`).toEqual(["P", "B", "E", "S", "Q"]);
    }
  });

  it("reads a server's stream from its first byte (no startup packet)", () => {
    const rows = Buffer.concat([
      message("D", Buffer.alloc(6)),
      message("D", Buffer.alloc(6)),
      message("C", Buffer.from("SELECT 2\0")),
    ]);
    const types: string[] = [];
    messageScanner((type) => types.push(String.fromCharCode(type)), false)(rows);
    expect(types).toEqual(["D", "D", "C"]);
  });
});
