// The staff console, support side (issue 16, Tests): a reader who
// subscribed asks for their money back; a support person signs in to the
// console, finds the reader, opens the refund queue and approves the
// request; the reader's subscription is refunded and the subscriber
// article is behind the wall again for them.
import { fail } from "../harness.mjs";

export const name = "console-support";
export const seed = true;   // `masthead demo`: the subscriber article "cities-of-water"

/// Whether `token`'s own subscription opens the demo's subscriber article
/// (not a free metered read or a gift link: the gate names those).
async function ownAccess(h, token) {
  const access = await h.call("GET", "/v1/articles/cities-of-water/access", { token });
  if (access.status !== 200) fail(`the gate answered ${access.status}: ${JSON.stringify(access.body)}`);
  return access.body.granted && access.body.reason == null;
}

export async function run(h) {
  const reader = `refund-${Date.now()}@example.com`;
  const password = "correct horse battery";
  await h.signUp(reader, password, "Rita Refund");
  const token = await h.logIn(reader, password);
  const checkout = await h.call("POST", "/v1/billing/checkout", { token, body: { tier: "digital", interval: "month" } });
  if (checkout.status !== 201) fail(`checkout answered ${checkout.status}: ${JSON.stringify(checkout.body)}`);
  const pay = await fetch(checkout.body.url.replace(h.api, h.direct), { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (pay.status !== 200) fail(`the development checkout answered ${pay.status}`);
  const asked = await h.call("POST", "/v1/me/subscription/refund-request", { token, body: { reason: "Not for me after all" } });
  if (asked.status !== 201) fail(`the refund request answered ${asked.status}: ${JSON.stringify(asked.body)}`);

  if (!(await ownAccess(h, token))) fail("the subscriber cannot read the subscriber article");

  const email = `support-${Date.now()}@magazine.test`;
  const staffPassword = "staff password 123";
  await h.staff("support", email, staffPassword);

  const page = await h.newPage();
  await page.goto(`${h.api}/console/login`);
  await h.axe(page, "console login");
  await page.fill("#email", email);
  await page.fill("#password", staffPassword);
  await Promise.all([page.waitForURL(/\/console$/), page.click("button[type=submit]")]);
  await h.shot(page, "home");
  await h.axe(page, "console home");

  await page.fill("#q", reader);
  await Promise.all([page.waitForURL(/\/console\/readers\?/), page.click("form[role=search] button")]);
  await Promise.all([page.waitForURL(/\/console\/readers\/[^?]+$/), page.click(`a:has-text("${reader}")`)]);
  await page.waitForSelector("text=Not for me after all");
  await h.shot(page, "reader");
  await h.axe(page, "reader page");

  await Promise.all([page.waitForURL(/refund-requests$/), page.click("nav >> text=Refund requests")]);
  const card = page.locator("article.request", { hasText: "Not for me after all" });
  await card.waitFor();
  await h.axe(page, "refund queue");
  await h.shot(page, "queue");
  await Promise.all([
    page.waitForSelector("p.flash:has-text('Request approved')"),
    card.locator("button:has-text('Approve')").click(),
  ]);
  await h.shot(page, "approved");

  const mine = await h.call("GET", "/v1/me/subscription", { token });
  const text = JSON.stringify(mine.body);
  if (!text.includes("refunded")) fail(`the reader's subscription after the refund: ${text}`);
  // The wall is back: the refunded reader's own access to the article is gone.
  if (await ownAccess(h, token)) fail("the refunded reader still reads the subscriber article");
  return "support signed in, found the reader, approved the refund; the subscription is refunded and the article walled again";
}
