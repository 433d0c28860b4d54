// Loads the dashboard in Debian's headless Chromium and checks it against a running node:
//   node dashboard-check.mjs <adminUrl> <hopKey> <queueId> <entriesInHop> <screenshotPath>
// The admin token, if the node has one, comes from MAILCLUSTER_ADMIN_TOKEN (not argv, which `ps` shows).
// Exit 0 when the queue table is sorted by depth and shows the hop first with that many entries, and a search by the
// queue id finds the message; otherwise prints what was wrong and exits 1. The screenshot is saved either way once the page has loaded.
import { checkPage, openDashboard } from './page-check.mjs';

const [adminUrl, hopKey, queueId, entries, screenshotPath] = process.argv.slice(2);
if (!screenshotPath) {
  console.error('usage: node dashboard-check.mjs <adminUrl> <hopKey> <queueId> <entriesInHop> <screenshotPath>');
  process.exit(2);
}

// 401s before the token is entered are expected; a CSP violation or a script error is not.
await checkPage(screenshotPath, async (page, step) => {
  await openDashboard(page, adminUrl, process.env.MAILCLUSTER_ADMIN_TOKEN);

  step('the queue table shows the hop with its entries, deepest queue first');
  await page.waitForFunction(([hop, count]) => {
    const first = document.querySelector('#queues tbody tr');
    return first && first.dataset.hop === hop && first.cells[0].textContent === hop && first.cells[1].textContent === count;
  }, [hopKey, entries]);
  const totals = await page.$$eval('#queues tbody tr', (rows) => rows.map((tr) => Number(tr.cells[1].textContent)));
  if (totals.some((total, i) => i > 0 && total > totals[i - 1])) throw new Error(`queues not deepest first: ${totals}`);
  console.log(`  queue depths shown: ${totals.join(', ')}`);

  step('the cluster table shows this node with its queue shards');
  await page.waitForFunction(() => [...document.querySelectorAll('#nodes tbody tr')]
    .some((tr) => tr.cells[0].textContent.includes('this node') && tr.cells[1].textContent === 'Up' && Number(tr.cells[4].textContent) > 0));

  step('throughput shows rates after a second poll');
  await page.waitForFunction(() => document.getElementById('rate-accepted').textContent !== '–'
    && Number(document.getElementById('total-accepted').textContent.split(' ')[0]) > 0);

  step('the last-hour charts draw the accepted messages and the queued ones');
  await page.waitForFunction(() => {
    const accepted = document.querySelector('#chart-throughput polyline[data-series=accepted]');
    const queued = document.querySelector('#chart-queued polyline[data-series=queued]');
    return accepted && queued && Number(accepted.dataset.points) >= 2 && Number(accepted.dataset.max) > 0
      && Number(queued.dataset.max) >= 3 && accepted.getAttribute('points').split(' ').length >= 2;
  });

  step('a search by queue id finds the message');
  await page.fill('#search-input', queueId);
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction((id) => [...document.querySelectorAll('#search-results tbody tr')]
    .some((tr) => tr.dataset.queueId === id && tr.cells[0].textContent === id), queueId);

  step('no markup from mail data reached the DOM');
  const injected = await page.locator('#content tbody img, #content tbody script, #content tbody b').count();
  if (injected > 0) throw new Error(`${injected} element(s) were created from mail data: text is not escaped`);
}, { ignoreConsole: (text) => text.startsWith('Failed to load resource') });
