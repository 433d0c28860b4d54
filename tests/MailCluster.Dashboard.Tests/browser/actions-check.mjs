// Acts on the queues through the dashboard in Debian's headless Chromium, as a postmaster would:
//   node actions-check.mjs <adminUrl> <hopKey> <holdId> <deleteId> <screenshotPath>
// The admin token comes from MAILCLUSTER_ADMIN_TOKEN. Every action's confirmation dialog is accepted.
// Holds <holdId> and waits until its recipients show as held; deletes <deleteId> and waits until a search no longer
// finds it; then flushes the hop from the queue table. The held message's page shows its state and its mail-log life. Exit 0 when all of that was seen on the page, else 1.
import { checkPage, openDashboard } from './page-check.mjs';

const [adminUrl, hopKey, holdId, deleteId, screenshotPath] = process.argv.slice(2);
if (!screenshotPath) {
  console.error('usage: node actions-check.mjs <adminUrl> <hopKey> <holdId> <deleteId> <screenshotPath>');
  process.exit(2);
}
const confirmations = [];

await checkPage(screenshotPath, async (page, step) => {
  page.on('dialog', async (dialog) => {
    confirmations.push(dialog.message());
    await dialog.accept();
  });
  await openDashboard(page, adminUrl, process.env.MAILCLUSTER_ADMIN_TOKEN);

  step('policy: the refused relay attempt is listed under its rule with the client IP');
  await page.waitForFunction(() => {
    const tr = document.querySelector('#refusals tbody tr[data-rule="reject-unauth-destination"]');
    return tr && tr.cells[1].textContent === '1' && tr.cells[4].textContent === '127.0.0.1 ×1' && tr.cells[3].textContent.startsWith('554 5.7.1');
  });

  step('hold: the message found by its queue id, then Hold, shows its recipients as held');
  await find(page, holdId);
  await page.click(`#search-results tbody tr[data-queue-id="${holdId}"] button[data-action=hold]`);
  await page.waitForFunction((id) => {
    const tr = document.querySelector(`#search-results tbody tr[data-queue-id="${id}"]`);
    const states = tr ? [...tr.querySelectorAll('.recipients .tag')].map((t) => t.textContent).filter((t) => !t.includes(':')) : [];
    return states.length > 0 && states.every((s) => s === 'held');
  }, holdId);
  if (!confirmations.at(-1)?.includes(holdId)) throw new Error(`no confirmation named ${holdId}: ${confirmations}`);

  step('message page: the held message shows its recipients as held and its life from the mail log');
  await page.click(`#search-results tbody tr[data-queue-id="${holdId}"] a.open-message`);
  await page.waitForFunction(() => {
    const events = [...document.querySelectorAll('#message-trace tbody tr')].map((tr) => tr.dataset.event);
    const states = [...document.querySelectorAll('#message-recipients tbody tr')].map((tr) => tr.cells[1].textContent);
    return !document.getElementById('message').hidden && events.includes('connect') && events.includes('accepted')
      && events.indexOf('connect') < events.indexOf('accepted') && states.length > 0 && states.every((s) => s === 'held');
  });

  step('delete: Delete asks first, then the message is gone from the search');
  await find(page, deleteId);
  await page.click(`#search-results tbody tr[data-queue-id="${deleteId}"] button[data-action=delete]`);
  await page.waitForFunction((id) => !document.querySelector(`#search-results tbody tr[data-queue-id="${id}"]`)
    && document.getElementById('search-summary').textContent.includes('No queued message'), deleteId);
  if (!confirmations.at(-1)?.includes('without delivery')) throw new Error(`delete was not confirmed as final: ${confirmations.at(-1)}`);

  step('flush: the queue row flushes the hop');
  await page.click(`#queues tbody tr[data-hop="${hopKey}"] button[data-action=flush]`);
  await page.waitForFunction(() => document.getElementById('action-result').textContent.startsWith('flush'));
  console.log(`  ${await page.textContent('#action-result')}`);
}, { ignoreConsole: (text) => text.startsWith('Failed to load resource') });

async function find(page, queueId) {
  await page.fill('#search-input', queueId);
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction((id) => document.querySelector(`#search-results tbody tr[data-queue-id="${id}"]`), queueId);
}
