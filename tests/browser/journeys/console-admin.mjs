// The staff console, admin side (issue 16, Tests): an admin signs in,
// reads the dashboard (its chart and figures), turns ad-free live on the
// digital tier, and the public plans list it as live; the audit log page
// shows the change.
import { fail } from "../harness.mjs";

export const name = "console-admin";

export async function run(h) {
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
