// The staff console, admin side (issue 16, Tests): an admin signs in,
// reads the dashboard (its chart and figures), turns ad-free live on the
// digital tier, and the public plans list it as live; the audit log page
// shows the change.
import { fail } from "../harness.mjs";

export const name = "console-admin";

/// A reader who buys `interval` of the digital tier from `article`'s
/// paywall (the development provider), or only starts the checkout.
async function buy(h, n, interval, article, pay = true) {
  const email = `buyer-${n}-${Date.now()}@example.com`;
  await h.signUp(email, "correct horse battery", `Buyer ${n}`);
  const token = await h.logIn(email, "correct horse battery");
  const checkout = await h.call("POST", "/v1/billing/checkout", {
    token, body: { tier: "digital", interval, source_article: article },
  });
  if (checkout.status !== 201) fail(`checkout answered ${checkout.status}: ${JSON.stringify(checkout.body)}`);
  if (!pay) return;
  const paid = await fetch(checkout.body.url.replace(h.api, h.direct), { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (paid.status !== 200) fail(`the development checkout answered ${paid.status}`);
}

export async function run(h) {
  await buy(h, 1, "month", "cities-of-water");
  await buy(h, 2, "year", "cities-of-water");
  await buy(h, 3, "month", "the-long-read");
  await buy(h, 4, "month", "the-long-read", false);
  const email = `admin-${Date.now()}@magazine.test`;
  const password = "staff password 123";
  await h.staff("admin", email, password);

  const page = await h.newPage();
  await page.goto(`${h.api}/console/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(/\/console$/), page.click("button[type=submit]")]);

  await Promise.all([page.waitForURL(/\/console\/dashboard$/), page.click("nav >> text=Dashboard")]);
  await page.waitForSelector("svg.chart");
  const mrr = await page.textContent("section[aria-labelledby=mrr]");
  // 2 × 9.00 a month + 90.00 a year / 12 = 25.50.
  if (!mrr.includes("25.50 USD")) fail(`the dashboard's MRR: ${mrr.replace(/\s+/g, " ")}`);
  await h.axe(page, "dashboard");
  await h.shot(page, "dashboard");

  await Promise.all([page.waitForURL(/\/console\/perks$/), page.click("nav >> text=Perks")]);
  await h.axe(page, "perks");
  await Promise.all([
    page.waitForSelector("p.flash:has-text('ad_free is now live on digital')"),
    page.click("button:has-text('Make ad_free live on Digital')"),
  ]);
  await h.shot(page, "ad-free-live");
  const plans = await h.call("GET", "/v1/plans");
  const digital = plans.body.tiers.find((t) => t.id === "digital");
  const adFree = digital.perks.find((p) => p.name === "ad_free");
  if (adFree.status !== "live") fail(`ad_free on digital is ${adFree.status}`);

  await Promise.all([page.waitForURL(/\/console\/audit-log$/), page.click("nav >> text=Audit log")]);
  await page.waitForSelector("td:has-text('perk_status_changed')");
  await h.axe(page, "audit log");
  await h.shot(page, "audit-log");
  return "admin read the dashboard, turned ad-free live (the plans show it), and found it in the audit log";
}
