// playwright-core ships no test runner; its assertions come with
// @playwright/test, which would pull in a browser download. These waits use
// Playwright's own locator waiting, so nothing here sleeps.
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 15000);

export function expect(locator) {
  return {
    async toHaveAttribute(name, value) {
      await until(`${name}="${value}"`, async () => (await locator.first().getAttribute(name).catch(() => null)) === value,
        () => locator.first().getAttribute(name).catch(() => '(missing)'));
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
    async toBeHidden() {
      await locator.first().waitFor({ state: 'hidden', timeout: TIMEOUT });
    },
    async toHaveCount(count) {
      await until(`${count} matching elements`, async () => (await locator.count()) === count,
        async () => `${await locator.count()}`);
    },
    async toContainText(text) {
      await until(`text containing ${text}`, async () => {
        const got = await locator.first().textContent().catch(() => null);
        return got !== null && (text instanceof RegExp ? text.test(got) : got.includes(text));
      }, () => locator.first().textContent().catch(() => '(missing)'));
    },
    async toHaveValue(value) {
      await until(`value ${JSON.stringify(value)}`, async () => (await locator.inputValue()) === value,
        () => locator.inputValue());
    },
    async toBeFocused() {
      await until('focus', () => locator.evaluate((el) => el === document.activeElement), () => 'not focused');
    },
    async toBeDisabled() {
      await until('disabled', () => locator.isDisabled(), () => 'enabled');
    },
    async toBeEnabled() {
      await until('enabled', () => locator.isEnabled(), () => 'disabled');
    },
    async toBeEditable() {
      await until('editable', () => locator.isEditable(), () => 'not editable');
    },
    async toBeInViewport() {
      await until('in the viewport', () => locator.evaluate((el) => new Promise((resolve) => {
        const observer = new IntersectionObserver(([entry]) => {
          observer.disconnect();
          resolve(entry.intersectionRatio > 0);
        });
        observer.observe(el);
      })), () => 'outside the viewport');
    },
  };

  /** Re-checks `check` on every animation frame of the page until it holds. */
  async function until(what, check, got) {
    const page = locator.page();
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`expected ${what}, got ${await got()}`);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    }
  }
}
