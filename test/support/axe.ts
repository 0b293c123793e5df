import { join } from 'node:path';
import type { Page } from 'playwright-core';

const AXE = join(__dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * axe-core's serious and critical violations on the page as it is now ("impact: rule"). The page's context must be
 * opened with `bypassCSP: true`: axe is added as a script the page's CSP would refuse.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  // A string: it runs in the page, which the tests' types (no DOM) do not describe.
  const all = await page.evaluate<string[]>('axe.run().then((r) => r.violations.map((v) => v.impact + ": " + v.id))');
  return all.filter((v) => v.startsWith('serious') || v.startsWith('critical'));
}
