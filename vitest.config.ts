import { configDefaults, defineConfig } from "vitest/config";

const testRoots = ["services/*/test/**", "operator/test/**", "scripts/test/**"];
const integration = testRoots.map((r) => `${r}/*.int.test.ts`);

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: testRoots.map((r) => `${r}/*.test.ts`),
          exclude: [...configDefaults.exclude, "**/*.int.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: integration,
          // Real servers start, restart and crash in these; give them time.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One file at a time, after the unit tests: on 2 cores, parallel
          // NATS/ClickHouse/service processes starve each other into timeouts.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
