// Screenshots the tests keep as artifacts (target/e2e-screenshots/), so what a page
// looked like on a phone and a desktop can be seen after a run.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '..', '..', 'target', 'e2e-screenshots');

export async function keepScreenshot(page, name) {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}
