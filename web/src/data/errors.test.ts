import { describe, expect, it } from "vitest";
import { ApiError, describeError, describeItemError, fieldMessage } from "./errors";

describe("describeError", () => {
  it("turns a known dotted code into a sentence", () => {
    const error = ApiError.from(401, {
      error: {
        code: "auth.invalid_credentials",
        message: "Wrong e-mail or password",
        fields: [],
        requestId: "req_1",
      },
    });
    expect(describeError(error)).toBe("The e-mail or password is wrong.");
    expect(error.requestId).toBe("req_1");
  });

  it("names the plan limit and its maximum", () => {
    const error = ApiError.from(403, {
      error: {
        code: "plan.limit_reached",
        message: "max_keywords reached",
        fields: [],
        requestId: "r",
        details: { limit: "max_keywords", max: 1000 },
      },
    });
    expect(describeError(error)).toBe(
      "Your plan's limit on keywords (1,000) is reached. Upgrade the plan or free some up, then try again.",
    );
  });

  it("says how long to wait when rate limited", () => {
    const error = ApiError.from(429, {
      error: {
        code: "auth.throttled",
        message: "x",
        fields: [],
        requestId: "r",
        details: { retryAfter: 120 },
      },
    });
    expect(describeError(error)).toBe("Too many log-in attempts. Wait 2 minutes and try again.");
  });

  it("lists the fields of an input error and finds each field's message", () => {
    const error = ApiError.from(400, {
      error: {
        code: "input.invalid",
        message: "body.email: Invalid email",
        fields: [
          { path: "body.email", message: "Invalid email address" },
          { path: "body.accountName", message: "Too small" },
        ],
        requestId: "r",
      },
    });
    expect(describeError(error)).toBe("Please check the e-mail, the account name.");
    expect(fieldMessage(error, "email")).toBe("Invalid email address");
    expect(fieldMessage(error, "password")).toBeUndefined();
  });

  it("falls back to the API's own message for a code it does not know, as a sentence", () => {
    const error = ApiError.from(409, {
      error: {
        code: "widget.frobbed",
        message: "The widget is frobbed",
        fields: [],
        requestId: "r",
      },
    });
    expect(describeError(error)).toBe("The widget is frobbed.");
  });

  it("survives a body that is not an error envelope", () => {
    const error = ApiError.from(502, "<html>Bad gateway</html>");
    expect(error.code).toBe("http.502");
    expect(describeError(error)).toBe("The server answered 502.");
  });
});

describe("describeItemError", () => {
  it("turns a pipeline item's coded failure into the sentence for its code", () => {
    expect(
      describeItemError("PublishingRejected: content.not_found: No such content in this site"),
    ).toBe("This content no longer exists: it was deleted.");
    expect(describeItemError("credits.insufficient: not enough")).toBe(
      "There are not enough credits for this run. Top up or wait for next month's grant.",
    );
  });

  it("keeps an unknown code's own message, and a reason without a code as it came", () => {
    expect(
      describeItemError("Rejected: wordpress.rest_cannot_create: Sorry, you are not allowed"),
    ).toBe("Sorry, you are not allowed.");
    expect(describeItemError("WordPress answered 500 three times")).toBe(
      "WordPress answered 500 three times",
    );
    expect(describeItemError(undefined)).toBe("No reason given.");
  });
});
