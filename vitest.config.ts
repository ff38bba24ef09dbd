import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["./test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/*/src/**/*.test.ts", "stacks/**/*.test.ts", "web/src/**/*.test.ts", "sites/src/**/*.test.ts"] },
      },
      // The dashboard in Chromium against the product started as `pnpm dev` does: minutes, not seconds.
      {
        extends: true,
        test: { name: "e2e", include: ["web/e2e/**/*.test.ts"], testTimeout: 600_000, hookTimeout: 600_000 },
      },
    ],
  },
});
