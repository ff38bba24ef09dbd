import { Plan } from "../plan";
import { planEntity } from "../plan/plan.entity";
import { limitNames } from "../plan/limits";
import { hashPassword } from "../auth/password";
import { Transaction } from "../transaction";
import { creationParts } from "./index";

/** The password of every owner `createTestTenant` makes. */
export const TEST_PASSWORD = "correct horse battery staple";

/** A plan without limits, so tests of other modules are not capped unless they choose a plan. */
export const UNLIMITED_PLAN = "unlimited";

let passwordHash: Promise<string> | undefined;
let unlimitedReady: Promise<unknown> | undefined;

/**
 * Writes a real account with its owner (user, e-mail lookup, owner membership, max_users
 * counter), on `planId` (default: a test plan with every limit null). For test helpers only.
 */
export async function createTestTenant(input: {
  accountId: string;
  userId: string;
  planId?: string;
  email?: string;
  accountName?: string;
}) {
  await Plan.ensureSeeded();
  unlimitedReady ??= planEntity()
    .create({
      planId: UNLIMITED_PLAN,
      name: "Unlimited (tests)",
      public: false,
      sortOrder: 999,
      limits: Object.fromEntries(limitNames.map((name) => [name, -1])),
    })
    .go()
    .catch(() => undefined);
  await unlimitedReady;
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = input.email ?? `${input.userId}@test.igny8.invalid`;
  await Transaction.write(
    creationParts({
      accountId: input.accountId,
      accountName: input.accountName ?? `Test ${input.accountId}`,
      planId: input.planId ?? UNLIMITED_PLAN,
      system: false,
      user: { userId: input.userId, email, name: "Test Owner", passwordHash: await passwordHash, superuser: false },
    }),
  );
  return { email, password: TEST_PASSWORD };
}
