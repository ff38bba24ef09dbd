import { describe, expect, it } from "vitest";
import { nextRuns, parseExpression } from "./expression";

const from = new Date("2026-11-29T10:00:00Z"); // a Sunday

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe("AWS cron() expressions", () => {
  it("runs daily at 09:00 in the schedule's timezone, across a DST change", () => {
    expect(
      iso(nextRuns("cron(0 9 * * ? *)", { timezone: "Europe/Berlin", from, count: 2 })),
    ).toEqual(["2026-11-30T08:00:00.000Z", "2026-12-01T08:00:00.000Z"]);
    // New York leaves DST on 2026-11-01: 09:00 local is 14:00Z before and after that in winter.
    expect(
      iso(
        nextRuns("cron(0 9 * * ? *)", {
          timezone: "America/New_York",
          from: new Date("2026-10-31T00:00:00Z"),
          count: 2,
        }),
      ),
    ).toEqual(["2026-10-31T13:00:00.000Z", "2026-11-01T14:00:00.000Z"]);
    expect(iso(nextRuns("cron(0 9 * * ? *)", { from, count: 1 }))).toEqual([
      "2026-11-30T09:00:00.000Z",
    ]);
  });

  it("understands ?, ranges by name, increments, L, W, # and the year", () => {
    expect(iso(nextRuns("cron(0 9 ? * MON-FRI *)", { from, count: 1 }))).toEqual([
      "2026-11-30T09:00:00.000Z",
    ]);
    expect(iso(nextRuns("cron(0/15 * * * ? *)", { from, count: 2 }))).toEqual([
      "2026-11-29T10:15:00.000Z",
      "2026-11-29T10:30:00.000Z",
    ]);
    expect(iso(nextRuns("cron(0 18 L * ? *)", { from, count: 2 }))).toEqual([
      "2026-11-30T18:00:00.000Z",
      "2026-12-31T18:00:00.000Z",
    ]);
    // 6#3 = third Friday (AWS weekdays: 1 = SUN)
    expect(iso(nextRuns("cron(0 10 ? * 6#3 *)", { from, count: 1 }))).toEqual([
      "2026-12-18T10:00:00.000Z",
    ]);
    expect(iso(nextRuns("cron(0 8 15W * ? 2027)", { from, count: 2 }))).toEqual([
      "2027-01-15T08:00:00.000Z",
      "2027-02-15T08:00:00.000Z",
    ]);
    expect(nextRuns("cron(0 9 * * ? 2025)", { from, count: 3 })).toEqual([]);
  });

  it.each([
    ["cron(0 9 * * *)", "expression.fields", /6 fields/],
    ["cron(60 9 * * ? *)", "expression.minutes", /Minutes field "60"/],
    ["cron(0 24 * * ? *)", "expression.hours", /Hours field "24"/],
    ["cron(0 9 32 * ? *)", "expression.dayOfMonth", /Day-of-month field "32"/],
    ["cron(0 9 * 13 ? *)", "expression.month", /Month field "13"/],
    ["cron(0 9 ? * 8 *)", "expression.dayOfWeek", /Day-of-week field "8"/],
    ["cron(0 9 ? * FUN *)", "expression.dayOfWeek", /Day-of-week/],
    ["cron(0 9 * * ? 1969)", "expression.year", /Year field "1969"/],
    ["cron(0 9 * * * *)", "expression.dayOfMonth", /Exactly one of Day-of-month and Day-of-week/],
    ["cron(0 9 ? * ? *)", "expression.dayOfWeek", /Exactly one/],
    ["cron(? 9 * * ? *)", "expression.minutes", /Minutes field cannot be "\?"/],
    ["cron(0/0 9 * * ? *)", "expression.minutes", /invalid increment/],
    ["rate(0 minutes)", "expression.value", /whole number/],
    ["rate(5 minute)", "expression.unit", /plural/],
    ["rate(1 hours)", "expression.unit", /singular/],
    ["rate(5 weeks)", "expression.unit", /minute\(s\), hour\(s\) or day\(s\)/],
    ["rate(soon)", "expression.rate", /number and a unit/],
    ["every day", "expression", /cron/],
  ])("%s is refused naming %s", (expression, path, message) => {
    try {
      parseExpression(expression);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "schedule.expression_invalid" });
      expect((error as Error).message).toMatch(message);
      expect((error as { details: { fields: { path: string }[] } }).details.fields[0]!.path).toBe(
        path,
      );
    }
  });

  it("rejects an unknown timezone", () => {
    expect(() => nextRuns("cron(0 9 * * ? *)", { timezone: "Mars/Olympus" })).toThrow(
      expect.objectContaining({ code: "schedule.timezone_invalid" }),
    );
  });
});

describe("rate() expressions", () => {
  it("parses singular and plural units", () => {
    expect(parseExpression("rate(1 minute)")).toMatchObject({ kind: "rate", everyMs: 60_000 });
    expect(parseExpression("rate(5 minutes)")).toMatchObject({
      kind: "rate",
      value: 5,
      unit: "minute",
      everyMs: 300_000,
    });
    expect(parseExpression("rate(2 hours)")).toMatchObject({ everyMs: 7_200_000 });
    expect(parseExpression("rate(1 day)")).toMatchObject({ everyMs: 86_400_000 });
    expect(parseExpression("rate(3 days)")).toMatchObject({ everyMs: 3 * 86_400_000 });
  });

  it("counts periods from the anchor", () => {
    const anchor = new Date("2026-11-29T10:00:00Z");
    expect(
      iso(
        nextRuns("rate(15 minutes)", { anchor, from: new Date("2026-11-29T10:20:00Z"), count: 3 }),
      ),
    ).toEqual(["2026-11-29T10:30:00.000Z", "2026-11-29T10:45:00.000Z", "2026-11-29T11:00:00.000Z"]);
    expect(iso(nextRuns("rate(1 hour)", { anchor, from: anchor, count: 1 }))).toEqual([
      "2026-11-29T11:00:00.000Z",
    ]);
  });
});
