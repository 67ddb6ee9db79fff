/**
 * Deadlines of tests that run real processes (the tsx CLI, vitest bench runs). They only guard
 * against hangs: on a busy 2-core machine a tsx start-up takes seconds and a vitest bench run
 * a minute, so a tight deadline would measure the machine, not the code.
 */

/** One child process (execa `timeout`). */
export const CHILD_TIMEOUT_MS = 180_000

/** One test that runs child processes one after another (vitest test timeout). */
export const PROCESS_TEST_TIMEOUT_MS = 600_000
