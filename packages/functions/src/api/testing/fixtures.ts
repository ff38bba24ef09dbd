import { type UserActor, withActor } from "@igny8/core/actor";

/**
 * Fixture factories for the isolation sweep and the fuzz: one per path-parameter name (and
 * id-valued body field name), each creating a real record in the victim account and answering
 * its id. A module whose routes take a new id (say `{keywordId}`) registers a factory in a file
 * named `*.fixture.ts` anywhere under packages/<pkg>/src; the sweep discovers it, so the new
 * routes join the sweep without editing it:
 *
 *   registerFixture("keywordId", async ({ resolve }) => {
 *     const siteId = await resolve("siteId");
 *     return (await Keyword.create({ siteId, sectorId: await resolve("sectorId"), keyword: "x" })).keywordId;
 *   });
 *
 * A factory runs as the victim account's owner (`useAccount()` is the victim) and may ask for
 * other fixtures with `resolve`; each id is made once per world and cached.
 */
export interface FixtureContext {
  /** The id of another kind, made (once) by its own factory. */
  resolve(name: string): Promise<string>;
  /** The victim account's id. */
  accountId: string;
  /** Facts the world already holds (the victim's member ids by role, e-mails). */
  world: Record<string, string>;
}

export type FixtureFactory = (context: FixtureContext) => Promise<string>;

const factories = new Map<string, FixtureFactory>();
const globals = new Set<string>();

/**
 * Registers the factory for ids named `name`. `global: true` marks ids of shared data (plans,
 * presets) that every account may read, so a request carrying one is not a cross-tenant one.
 */
export function registerFixture(name: string, factory: FixtureFactory, options: { global?: boolean } = {}) {
  factories.set(name, factory);
  if (options.global) globals.add(name);
  else globals.delete(name);
}

export function isGlobalFixture(name: string): boolean {
  return globals.has(name);
}

export function hasFixture(name: string): boolean {
  return factories.has(name);
}

export function fixtureNames(): string[] {
  return [...factories.keys()];
}

/** Resolves fixtures for one victim account, running factories as its owner, caching ids. */
export function fixtureResolver(owner: UserActor["properties"], world: Record<string, string>) {
  const made = new Map<string, Promise<string>>();
  const resolve = (name: string): Promise<string> => {
    const cached = made.get(name);
    if (cached) return cached;
    const factory = factories.get(name);
    if (!factory) {
      return Promise.reject(
        new Error(`No fixture factory for "${name}": register one with registerFixture("${name}", ...) in a *.fixture.ts file`),
      );
    }
    const promise = withActor({ type: "user", properties: owner }, () => factory({ resolve, accountId: owner.accountId, world }));
    made.set(name, promise);
    return promise;
  };
  return resolve;
}
