// One SP-initiated login in headless Chromium through mockidp's scenario picker, as a person
// would: open the SP's /login, which redirects to mockidp's /pick/sso; choose a scenario and a
// user; press "Log in"; the auto-submitting form carries the response to the SP's ACS.
// Prints one JSON line: {"url": final URL, "body": the SP's answer as text, "picker": true}.
//
// node picker.js --login URL --scenario ID --user LOGIN [--screenshot FILE]
'use strict';
const { chromium } = require('playwright-core');

function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

(async () => {
  const login = arg('login');
  const scenario = arg('scenario', 'valid');
  const user = arg('user', 'alice');
  const screenshot = arg('screenshot');
  const browser = await chromium.launch({
    executablePath: process.env.MOCKIDP_CHROMIUM || '/usr/bin/chromium',
    // This machine's network is closed: without these, Chromium's background connections fail.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(login);
    await page.waitForSelector('form#pick');
    const picker = page.url();
    await page.check(`#scenario-${scenario}`);
    await page.selectOption('#user', user);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/acs', { timeout: 20000 }),
      page.click('#login'),
    ]);
    await page.waitForLoadState('load');
    const body = await page.evaluate(() => document.body.innerText);
    console.log(JSON.stringify({ picker, url: page.url(), body }));
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
