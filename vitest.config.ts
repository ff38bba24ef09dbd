import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Generous: pipeline, WordPress and emulator tests run real servers, and CI shares 2 cores
    // between test workers. A hung test still fails; speed is measured in bench/, not here.
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: "forks",
    // The test machines run Node 20 on purpose (the Lambdas run 22): the AWS SDK's notice that its
    // 2027 releases need 22 would otherwise be printed by every test file.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
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
