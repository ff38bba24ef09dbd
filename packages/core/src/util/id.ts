import { monotonicFactory } from "ulid";

/** Every id prefix in one place, so an id says what it names. */
export const idPrefixes = {
  account: "acc",
  user: "usr",
  membership: "mem",
  invitation: "inv",
  plan: "pln",
  site: "sit",
  sector: "sec",
  apiKey: "key",
  session: "ses",
  keyword: "kw",
  keywordImport: "imp",
  cluster: "cl",
  pageGroup: "pg",
  idea: "idea",
  task: "tsk",
  content: "cnt",
  version: "ver",
  image: "img",
  prompt: "prm",
  author: "aut",
  strategy: "str",
  contentRun: "run",
  hold: "hld",
  ledger: "led",
  execution: "exe",
  connection: "con",
  publishing: "pub",
  event: "evt",
  request: "req",
  automationRule: "rul",
  message: "msg",
} as const;

export type IdKind = keyof typeof idPrefixes;

const ulid = monotonicFactory();

/** `createId("keyword")` gives `kw_01H...`: sortable by creation time, prefixed by kind. */
export function createId(kind: IdKind): string {
  return `${idPrefixes[kind]}_${ulid().toLowerCase()}`;
}

/** True when `id` is shaped like an id of `kind` (prefix and a 26-character ULID). */
export function isId(kind: IdKind, id: string): boolean {
  return new RegExp(`^${idPrefixes[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(id);
}

/** The pattern of ids of `kind`, for schemas (`z.string().regex(idPattern("site"))`). */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${idPrefixes[kind]}_[0-9a-hjkmnp-tv-z]{26}$`);
}
