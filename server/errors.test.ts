// An AppError is an answer, not a fault: it captures no stack, and leaves the stack trace limit
// as it found it for every other error.
import { describe, expect, it } from "vitest";
import { AppError } from "./errors.js";

describe("AppError", () => {
  it("captures no stack, and other errors keep theirs", () => {
    const before = Error.stackTraceLimit;
    const refusal = new AppError("forbidden");
    expect(refusal.stack).toBe("Error: You do not have the permission this needs.");
    expect(refusal.status).toBe(403);
    expect(refusal.message).toBe("You do not have the permission this needs.");
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("a fault").stack).toMatch(/\n\s+at /);
  });
});
