/**
 * AI throughput against a rate-limited provider (not a test: it prints a table).
 *   tsx bench/ai-throughput.ts [tasks=100] [workers=20]
 *
 * The OpenAI-compatible test server enforces 120 requests per window, with the window compressed
 * from a minute to 10 s so a run takes seconds: "per limit-minute" below means per window, and
 * 120 requests / window reads as 120 rpm. A task is the content pipeline's three AI calls
 * (content, image prompts, image); workers pull tasks like a Map state with MaxConcurrency.
 *
 * ratio = tasks completed / the most the server's limits allow in the run's duration
 * (a full bucket plus the refill, per task's calls or per task's billed tokens, whichever binds).
 * Goal >= 0.9, and no lost task when 429s and 5xx are injected.
 *
 * Credits: each call's usage goes through a ledger hook (`UsageLedger`); here an in-memory sum
 * compared with what the server billed. The credits module plugs its DynamoDB ledger in there and
 * the check becomes "ledger equals balance".
 */
import { availableParallelism } from "node:os";
import {
  callsPerTask,
  runThroughput,
  type ThroughputScenario,
} from "../packages/core/src/ai/testing/throughput";
import { printTable } from "./lib/table";

const tasks = Number(process.argv[2] ?? 100);
const workers = Number(process.argv[3] ?? 20);
const base = {
  tasks,
  workers,
  requestLimit: 120,
  tokenLimit: 1_000_000,
  windowMs: 10_000,
  processes: 1,
};

const scenarios: ThroughputScenario[] = [
  { ...base, name: "client limit = server limit", clientLimits: true },
  {
    ...base,
    name: "+ 3% 429 and 2% 5xx injected",
    clientLimits: true,
    faults: { rateLimit: 0.03, serverError: 0.02 },
  },
  { ...base, name: "tokens bind (20k / window)", tokenLimit: 20_000, clientLimits: true },
  { ...base, name: "no client limit (learned)", clientLimits: false },
  { ...base, name: "2 processes, no shared store", clientLimits: true, processes: 2 },
];

console.log(
  `node ${process.version}, ${availableParallelism()} cores; ${tasks} tasks x ${callsPerTask} calls, ` +
    `${workers} workers; server limit ${base.requestLimit} requests / ${base.windowMs / 1000} s window`,
);
const rows: (string | number)[][] = [];
for (const scenario of scenarios) {
  const result = await runThroughput(scenario);
  const perLimitMinute = (n: number) =>
    Number(((n / result.durationMs) * scenario.windowMs).toFixed(1));
  const nonOk = Object.entries(result.server.byStatus)
    .filter(([status]) => status !== "200")
    .reduce((sum, [, n]) => sum + n, 0);
  rows.push([
    scenario.name,
    result.completed,
    result.lost.length,
    Number((result.durationMs / 1000).toFixed(1)),
    perLimitMinute(result.completed),
    perLimitMinute(result.bound),
    result.binding,
    Number(result.ratio.toFixed(3)),
    result.server.rateLimited,
    nonOk,
    result.clientFailures,
    result.ledgerTotal === result.server.usage.totalTokens
      ? `equal (${result.ledgerTotal})`
      : `${result.ledgerTotal} != ${result.server.usage.totalTokens}`,
  ]);
  for (const line of result.lost.slice(0, 3)) console.log(`  lost ${line}`);
}
printTable(
  [
    "scenario",
    "done",
    "lost",
    "secs",
    "tasks/limit-min",
    "bound/limit-min",
    "binding",
    "ratio",
    "server 429",
    "non-200",
    "client retries",
    "ledger vs billed tokens",
  ],
  rows,
);
