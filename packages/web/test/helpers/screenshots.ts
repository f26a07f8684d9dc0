// Screenshots of the main screens for the README, saved only when NATTER_SCREENSHOTS=1.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const screenshotsWanted = process.env.NATTER_SCREENSHOTS === '1';
const folder = join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'screenshots');

export const sizes = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 812 },
} as const;
export type Size = keyof typeof sizes;
export type Scheme = 'light' | 'dark';

/**
 * Shows `page` at `size` in `scheme`, lets `prepare` bring the screen up (some screens differ by
 * width: on a phone the room list and the room take turns), waits for `ready`, and saves
 * docs/screenshots/<screen>-<size>-<scheme>.png when screenshots are wanted. Without the variable
 * the screens are still brought up at every size and scheme, so a layout that breaks is caught.
 */
export async function capture(page: Page, screen: string, prepare: (size: Size) => Promise<void>): Promise<void> {
  for (const size of ['desktop', 'phone'] as const) {
    await page.setViewportSize(sizes[size]);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await prepare(size);
      if (!screenshotsWanted) continue;
      await page.evaluate(async () => {
        await document.fonts.ready;
      });
      await mkdir(folder, { recursive: true });
      await page.screenshot({
        path: join(folder, `${screen}-${size}-${scheme}.png`),
        animations: 'disabled',
        caret: 'hide',
      });
    }
  }
}
