// What the page checks share: Debian's headless Chromium, a page that records script errors, named steps, and a
// screenshot and a verdict at the end whatever happened. checkPage() exits the process: 0 when every step passed.
import { chromium } from 'playwright-core';

export async function checkPage(screenshotPath, steps, { ignoreConsole = () => false } = {}) {
  // Flags for a shared CI box without a display or a sandbox; Playwright adds --headless and a fresh --user-data-dir.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  let current = 'loading the page';
  const step = (name) => {
    current = name;
    console.log(`- ${name}`);
  };
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => problems.push(`uncaught in page: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !ignoreConsole(message.text())) problems.push(`console: ${message.text()}`);
    });
    await steps(page, step, problems);
  } catch (error) {
    problems.unshift(`failed at "${current}": ${error.message.split('\n')[0]}`);
  } finally {
    if (page) {
      await page.screenshot({ path: screenshotPath, fullPage: true }).catch((e) => problems.push(`screenshot: ${e.message}`));
      console.log(`screenshot: ${screenshotPath}`);
    }
    await browser.close();
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exit(1);
  }
  console.log('check passed');
  process.exit(0);
}

/** Opens the dashboard and, when the node has a token, enters it the way a user does. */
export async function openDashboard(page, adminUrl, token) {
  await page.goto(`${adminUrl}/dashboard`);
  if (token) {
    await page.locator('#token-form').waitFor({ state: 'visible' });
    await page.fill('#token-input', token);
    await page.click('#token-form button[type=submit]');
  }
}
