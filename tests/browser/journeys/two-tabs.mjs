// Browser mode across two real host names with TLS (issue 13, items 4 and 5).
//
// Log in on the documented example page (site/account.html), reload (the
// access token is gone, the HttpOnly cookie logs us in again), open a
// second tab, make both tabs refresh at once (the reuse interval keeps the
// session), reload both: still logged in.
import { fail } from "../harness.mjs";

export const name = "two-tabs";

async function loggedIn(page) {
  await page.waitForSelector("#account:not([hidden])", { timeout: 10_000 });
  const shown = await page.textContent("#name");
  if (shown !== "Two Tabs") fail(`logged in as ${shown}`);
}

export async function run(h) {
  const email = `tabs-${Date.now()}@example.com`;
  const password = "correct horse battery";
  await h.signUp(email, password, "Two Tabs");
  // Not logged in yet: the page's first refresh is a 401.
  h.expect(401, "/v1/auth/refresh");
  const site = `${h.site}/account.html`;

  const first = await h.newPage();
  await first.goto(site);
  await first.waitForSelector("#login:not([hidden])");
  await first.fill("input[name=email]", email);
  await first.fill("input[name=password]", password);
  await first.click("form#login button");
  await loggedIn(first);
  await h.shot(first, "logged-in");
  const cookies = await h.context.cookies(`${h.api}/v1/auth/refresh`);
  const refresh = cookies.find((c) => c.name === "masthead_refresh") ?? fail("no refresh cookie");
  if (!refresh.httpOnly || !refresh.secure) fail("the refresh cookie must be HttpOnly and Secure");
  if ((await h.context.cookies(site)).some((c) => c.name.startsWith("masthead_"))) {
    fail("the site holds a masthead cookie");
  }
  const stored = await first.evaluate(() => JSON.stringify(localStorage) + document.cookie);
  if (stored !== "{}") fail(`the site persisted something: ${stored}`);

  await first.reload();
  await loggedIn(first);
  const second = await h.newPage();
  await second.goto(site);
  await loggedIn(second);

  // Both tabs' access tokens expire together: both refresh at once.
  const both = await Promise.all([first, second].map((p) => p.evaluate(() => window.refreshNow())));
  if (!both.every(Boolean)) fail(`a tab's refresh failed: ${both}`);
  for (const page of [first, second]) {
    await page.reload();
    await loggedIn(page);
  }
  await h.shot(second, "second-tab");
  return "logged in, reloaded, two tabs refreshed at once, still logged in";
}
