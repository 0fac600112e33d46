// playwright-core ships no test runner; its assertions come with
// @playwright/test, which would pull in a browser download. These waits use
// Playwright's own locator waiting, so nothing here sleeps.
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 15000);

export function expect(locator) {
  return {
    async toHaveAttribute(name, value) {
      await locator.page().waitForFunction(
        ([el, n, v]) => el && el.getAttribute(n) === v,
        [await locator.elementHandle({ timeout: TIMEOUT }), name, value],
        { timeout: TIMEOUT },
      ).catch(async (e) => {
        const got = await locator.getAttribute(name).catch(() => '(missing)');
        throw new Error(`expected ${name}="${value}", got "${got}": ${e.message}`);
      });
    },
    async toHaveText(text) {
      await locator.filter({ hasText: text }).first().waitFor({ timeout: TIMEOUT })
        .catch(async (e) => {
          const got = await locator.allTextContents().catch(() => []);
          throw new Error(`expected text ${JSON.stringify(text)}, got ${JSON.stringify(got)}: ${e.message}`);
        });
    },
    async toBeVisible() {
      await locator.first().waitFor({ state: 'visible', timeout: TIMEOUT });
    },
  };
}
