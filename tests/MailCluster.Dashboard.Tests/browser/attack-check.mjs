// Plays the two browser-borne attacks on an admin API without a token in Debian's headless Chromium:
//   node attack-check.mjs <adminPort> <rebindQueueId> <crossSiteQueueId>
// 1. DNS rebinding: --host-resolver-rules maps evil.example to 127.0.0.1 inside the browser (no real DNS), which is
//    where a rebinding attack ends: a page of origin http://evil.example:PORT whose requests reach the node with
//    Host: evil.example:PORT. Same-origin as far as the browser knows, so it may read answers and send JSON.
// 2. Cross-site request: a page served from another loopback port sends a no-cors POST (no preflight, the
//    answer stays opaque to the page but the node still acts on it).
// Prints one line "RESULT <json>" with the HTTP statuses the rebinding page saw; the caller checks the queue itself.
import { chromium } from 'playwright-core';
import http from 'node:http';

const [adminPort, rebindId, crossSiteId] = process.argv.slice(2);
if (!crossSiteId) {
  console.error('usage: node attack-check.mjs <adminPort> <rebindQueueId> <crossSiteQueueId>');
  process.exit(2);
}
const adminUrl = `http://127.0.0.1:${adminPort}`;

const attacker = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end('<!doctype html><title>cute cats</title><p>nothing to see</p>');
});
await new Promise((resolve) => attacker.listen(0, '127.0.0.1', resolve));
const attackerUrl = `http://127.0.0.1:${attacker.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP evil.example 127.0.0.1'],
});
const result = {};
try {
  const rebound = await browser.newPage();
  const landing = await rebound.goto(`http://evil.example:${adminPort}/`);
  result.rebindPage = landing.status();
  Object.assign(result, await rebound.evaluate(async (id) => {
    const read = await fetch('/api/queues');
    const remove = await fetch(`/api/messages/${id}/delete`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return { rebindRead: read.status, rebindDelete: remove.status };
  }, rebindId));

  const crossSite = await browser.newPage();
  await crossSite.goto(attackerUrl);
  result.crossSiteSent = await crossSite.evaluate(async ([url, id]) => {
    try {
      await fetch(`${url}/api/messages/${id}/delete`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
      return true;
    } catch (error) {
      return `not sent: ${error.message}`;
    }
  }, [adminUrl, crossSiteId]);
} catch (error) {
  result.error = error.message.split('\n')[0];
} finally {
  await browser.close();
  attacker.close();
}
console.log(`RESULT ${JSON.stringify(result)}`);
