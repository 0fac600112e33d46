// Passkeys in headless Chromium: a CDP virtual authenticator per browser context,
// as WebAuthn's own tests do (no real Face ID needed, everything else is real).
import { expect } from './expect.mjs';

/**
 * Counts WebAuthn ceremonies on every page of `context` (in `window.partyWebAuthnCalls`),
 * to tell that a reload asked for no passkey.
 */
export async function countCeremonies(context) {
  await context.addInitScript(() => {
    window.partyWebAuthnCalls = 0;
    const container = navigator.credentials;
    for (const name of ['create', 'get']) {
      const original = container[name].bind(container);
      container[name] = (...args) => {
        window.partyWebAuthnCalls += 1;
        return original(...args);
      };
    }
  });
}

/** Adds a platform authenticator with resident keys and user verification to `page`'s context. */
export async function addAuthenticator(page, { hasPrf = true, isUserVerified = true } = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified,
      hasPrf,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
    addCredential: (credential) => cdp.send('WebAuthn.addCredential', { authenticatorId, credential }),
  };
}

/** The key part (`k=`) of a share link. */
export function linkKey(url) {
  return new URLSearchParams(new URL(url).hash.slice(1)).get('k');
}

/** Clicks "Start party" and waits until the new person is live in their own party. */
export async function startParty(page) {
  await page.getByTestId('start-party').click();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const self = page.locator('[data-testid=peer][data-self=true]');
  await self.waitFor();
  return self.getAttribute('data-handle');
}

/** Everything Party (or anything else) stored for the page's origin, gone. */
export async function clearSiteData(page, cdp) {
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(page.url()).origin, storageTypes: 'all' });
}
