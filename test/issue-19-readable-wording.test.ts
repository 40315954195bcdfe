// Issue 19's small faults that are words on screen, checked on the web's own wording functions:
// "Total: 1 members", Company info's "SG", Account info's "active", and a 403 page that did not say
// whom to ask.
import { describe, expect, it } from "vitest";
import { whomToAsk } from "../web/src/wording/access.js";
import { countryName, readableStatus } from "../web/src/wording/company.js";
import { countedNoun, nounFor } from "../web/src/wording/counting.js";

describe("Issue 19: Total: 1 members", () => {
  it("says one member, and members for any other number", () => {
    expect(countedNoun(1, "members")).toBe("1 member");
    expect(countedNoun(0, "members")).toBe("0 members");
    expect(countedNoun(2, "members")).toBe("2 members");
    expect(countedNoun(1_000, "members", false)).toBe("1,000+ members");
  });

  it("takes every noun a total is shown with to its singular", () => {
    expect(nounFor(1, "pending invitations")).toBe("pending invitation");
    expect(nounFor(1, "events")).toBe("event");
    expect(nounFor(1, "transactions")).toBe("transaction");
    expect(nounFor(1, "settlement batches")).toBe("settlement batch");
    expect(nounFor(3, "settlement batches")).toBe("settlement batches");
  });
});

describe('Issue 19: Company info shows "SG" and "active"', () => {
  it("names the country", () => {
    expect(countryName("SG")).toBe("Singapore");
    expect(countryName("gb")).toBe("United Kingdom");
    expect(countryName("Atlantis")).toBe("Atlantis");
    expect(countryName("")).toBe("");
  });

  it("says a status as a word", () => {
    expect(readableStatus("active")).toBe("Active");
    expect(readableStatus("pending_review")).toBe("Pending review");
  });
});

describe("Issue 19: the 403 page does not say whom to ask", () => {
  it("asks an Admin of the company, by name when the member may know them", () => {
    expect(whomToAsk("Acme", null)).toBe("Ask an Admin of Acme for access.");
    expect(whomToAsk("Acme", [])).toBe("Ask an Admin of Acme for access.");
    expect(whomToAsk("Acme", ["Alice Tan"])).toBe("Ask an Admin of Acme for access: Alice Tan.");
    expect(whomToAsk("Acme", ["Alice Tan", "Bob Lee"])).toBe(
      "Ask an Admin of Acme for access: Alice Tan or Bob Lee.",
    );
    expect(whomToAsk("Acme", ["A", "B", "C", "D", "E"])).toBe(
      "Ask an Admin of Acme for access: A, B, C or 2 more.",
    );
  });
});
