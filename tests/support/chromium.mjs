// Headless Debian Chromium for every browser test and the bench, launched one way: playwright-core with the
// system binary (Playwright cannot download browsers here) and the quiet, offline flags a test run wants.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The flags of every launch: no sandbox (root in CI), no GPU, nothing that phones home or updates. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Launches headless Chromium. `popupBlocker`: keep Chromium's popup blocker on (Playwright turns it off by
 * default), so that a popup must come from a click, as in a user's browser. Other options go to
 * `chromium.launch` (e.g. `timeout`).
 */
export function launchChromium({ popupBlocker = false, ...options } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    ...(popupBlocker ? { ignoreDefaultArgs: ['--disable-popup-blocking'] } : {}),
    ...options,
  });
}
