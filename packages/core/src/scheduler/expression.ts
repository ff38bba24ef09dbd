import { Cron } from "croner";
import { VisibleError } from "../util/error";

/**
 * EventBridge Scheduler expressions, checked as AWS checks them and run locally with croner.
 *
 * `cron(Minutes Hours Day-of-month Month Day-of-week Year)`: six fields, one of Day-of-month and
 * Day-of-week must be `?`, weekdays are 1-7 = SUN-SAT, `L`, `W` and `#` as in Quartz. croner reads
 * it once a seconds field is prepended and it runs in 7-part mode with Quartz weekdays.
 *
 * `rate(n minute|minutes|hour|hours|day|days)`: singular unit for 1, plural above (as AWS wants).
 */

export type ParsedExpression =
  | { kind: "cron"; expression: string; fields: string[]; pattern: string }
  | {
      kind: "rate";
      expression: string;
      value: number;
      unit: "minute" | "hour" | "day";
      everyMs: number;
    };

interface FieldRule {
  name: string;
  path: string;
  min: number;
  max: number;
  names?: string[];
  question?: boolean;
  special: RegExp[];
}

const months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const fieldRules: FieldRule[] = [
  { name: "Minutes", path: "minutes", min: 0, max: 59, special: [] },
  { name: "Hours", path: "hours", min: 0, max: 23, special: [] },
  {
    name: "Day-of-month",
    path: "dayOfMonth",
    min: 1,
    max: 31,
    question: true,
    special: [/^L$/, /^LW$/, /^\d{1,2}W$/],
  },
  { name: "Month", path: "month", min: 1, max: 12, names: months, special: [] },
  {
    name: "Day-of-week",
    path: "dayOfWeek",
    min: 1,
    max: 7,
    names: weekdays,
    question: true,
    special: [/^L$/, /^([1-7]|[A-Z]{3})L$/, /^([1-7]|[A-Z]{3})#[1-5]$/],
  },
  { name: "Year", path: "year", min: 1970, max: 2199, special: [] },
];

function invalid(message: string, path: string): never {
  throw new VisibleError("input", "schedule.expression_invalid", message, {
    fields: [{ path: `expression.${path}`, message }],
  });
}

function checkValue(rule: FieldRule, raw: string, whole: string) {
  const index = rule.names?.indexOf(raw.toUpperCase()) ?? -1;
  const value = index >= 0 ? index + rule.min : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= rule.min && value <= rule.max)) {
    const named = rule.names ? ` or ${rule.names[0]}-${rule.names.at(-1)}` : "";
    invalid(
      `${rule.name} field "${whole}" is not valid: use ${rule.min}-${rule.max}${named}`,
      rule.path,
    );
  }
}

function checkField(rule: FieldRule, value: string) {
  if (value === "?") {
    if (!rule.question)
      invalid(`${rule.name} field cannot be "?" (only Day-of-month or Day-of-week)`, rule.path);
    return;
  }
  for (const part of value.split(",")) {
    if (part === "") invalid(`${rule.name} field "${value}" has an empty list entry`, rule.path);
    if (rule.special.some((pattern) => pattern.test(part.toUpperCase()))) {
      const number = part.match(/^\d+/)?.[0];
      if (number) checkValue(rule, number, value);
      const named = part.toUpperCase().match(/^[A-Z]{3}/)?.[0];
      if (named && named !== "LW") checkValue(rule, named, value);
      continue;
    }
    const [base, step, extra] = part.split("/");
    if (extra !== undefined || base === undefined || base === "") {
      invalid(`${rule.name} field "${value}" is not valid`, rule.path);
    }
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) {
      invalid(`${rule.name} field "${value}" has an invalid increment "${step}"`, rule.path);
    }
    if (base === "*") continue;
    const range = base.split("-");
    if (range.length > 2) invalid(`${rule.name} field "${value}" is not valid`, rule.path);
    for (const end of range) checkValue(rule, end, value);
  }
}

function parseCron(expression: string, body: string): ParsedExpression {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    invalid(
      `cron() needs 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${fields.length}`,
      "fields",
    );
  }
  fields.forEach((field, index) => {
    checkField(fieldRules[index]!, field);
  });
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    invalid(
      'Exactly one of Day-of-month and Day-of-week must be "?"',
      dayOfMonth === "?" ? "dayOfWeek" : "dayOfMonth",
    );
  }
  const pattern = `0 ${fields.join(" ")}`;
  try {
    new Cron(pattern, { ...cronOptions(), paused: true });
  } catch (error) {
    invalid(
      `cron(${body}) is not valid: ${error instanceof Error ? error.message : String(error)}`,
      "fields",
    );
  }
  return { kind: "cron", expression, fields, pattern };
}

const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

function parseRate(expression: string, body: string): ParsedExpression {
  const match = body.trim().match(/^(\d+)\s+([a-z]+)$/);
  if (!match)
    invalid(`rate() needs a number and a unit, e.g. rate(5 minutes); got "${body}"`, "rate");
  const value = Number(match[1]);
  const word = match[2]!;
  const unit = word.replace(/s$/, "") as keyof typeof unitMs;
  if (!(unit in unitMs))
    invalid(`rate() unit "${word}" is not valid: use minute(s), hour(s) or day(s)`, "unit");
  if (!Number.isSafeInteger(value) || value < 1)
    invalid(`rate() value "${match[1]}" must be a whole number from 1`, "value");
  const plural = word.endsWith("s");
  if (value === 1 && plural)
    invalid(`rate(1 ${word}) must use the singular unit: rate(1 ${unit})`, "unit");
  if (value > 1 && !plural)
    invalid(`rate(${value} ${word}) must use the plural unit: rate(${value} ${unit}s)`, "unit");
  return { kind: "rate", expression, value, unit, everyMs: value * unitMs[unit] };
}

/** Parses and validates an EventBridge Scheduler expression; errors name the offending field. */
export function parseExpression(expression: string): ParsedExpression {
  const match = expression.trim().match(/^(cron|rate)\((.*)\)$/s);
  if (!match) {
    throw new VisibleError(
      "input",
      "schedule.expression_invalid",
      'Use "cron(...)" or "rate(...)"',
      {
        fields: [{ path: "expression", message: 'Use "cron(...)" or "rate(...)"' }],
      },
    );
  }
  return match[1] === "cron"
    ? parseCron(expression.trim(), match[2]!)
    : parseRate(expression.trim(), match[2]!);
}

/** Throws `schedule.timezone_invalid` unless `timezone` is an IANA zone this runtime knows. */
export function checkTimezone(timezone: string) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new VisibleError(
      "input",
      "schedule.timezone_invalid",
      `Timezone "${timezone}" is not a known IANA timezone`,
      {
        fields: [{ path: "timezone", message: "an IANA timezone such as Europe/Berlin" }],
      },
    );
  }
}

export function cronOptions(timezone?: string) {
  return { mode: "7-part", alternativeWeekdays: true, sloppyRanges: true, timezone } as const;
}

/**
 * The next `count` run times after `from`. Cron honours `timezone`; a rate runs every period
 * counted from `anchor` (when the schedule was created), as EventBridge Scheduler does.
 */
export function nextRuns(
  expression: string | ParsedExpression,
  options: { timezone?: string; from?: Date; count?: number; anchor?: Date } = {},
): Date[] {
  const parsed = typeof expression === "string" ? parseExpression(expression) : expression;
  const from = options.from ?? new Date();
  const count = options.count ?? 5;
  if (options.timezone) checkTimezone(options.timezone);
  if (parsed.kind === "cron") {
    return new Cron(parsed.pattern, { ...cronOptions(options.timezone), paused: true }).nextRuns(
      count,
      from,
    );
  }
  const anchor = (options.anchor ?? from).getTime();
  const elapsed = from.getTime() - anchor;
  let next = anchor + (Math.floor(Math.max(elapsed, 0) / parsed.everyMs) + 1) * parsed.everyMs;
  if (elapsed < 0) next = anchor;
  const runs: Date[] = [];
  for (let i = 0; i < count; i++) runs.push(new Date(next + i * parsed.everyMs));
  return runs;
}
