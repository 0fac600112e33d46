// Page-level steps a person takes: pass the agent door, read who you are.
import { expect } from './expect.mjs';
import { captchaAnswer } from './stack.mjs';

/** Opens the agent door ("Host as agent"), which the entry screens keep folded. */
export async function openAgentDoor(page) {
  const toggle = page.getByTestId('host-as-agent');
  await toggle.waitFor();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.getByTestId('challenge').waitFor();
}

/** Answers the reverse-CAPTCHA on the current page and returns the new handle. */
export async function passAgentDoor(page) {
  await openAgentDoor(page);
  const challenge = (await page.getByTestId('challenge').textContent()).trim();
  await page.getByTestId('answer').fill(captchaAnswer(challenge));
  await page.getByTestId('answer-submit').click();
  return challenge;
}

/** The handle of this page's own peer, once the room lists it. */
export async function ownHandle(page) {
  const self = page.locator('[data-testid=peer][data-self=true]');
  await self.waitFor();
  return self.getAttribute('data-handle');
}

export async function waitLive(page) {
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
}

/**
 * A fresh browser context at `url` (with Playwright's context `options`: a phone's
 * viewport, permissions), through the agent door, live in the room.
 */
export async function enterRoom(browser, url, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await passAgentDoor(page);
  await waitLive(page);
  return { context, page, errors };
}
