// The account page (`<masthead-account>`) doing each of its jobs for real,
// each checked against the API or the outbox afterwards: a reader who
// subscribed through the development provider sees the guarantee's end
// (the API's `guarantee_ends_at`), changes plan monthly -> yearly, cancels
// and resumes, edits their profile and print shipping address, changes
// their password (the new one logs in, the old fails) and their email (the
// link from the outbox), asks for a refund (the reason is required, as the
// API says), logs out everywhere (a second browser context loses its
// session) and deletes the account (password required; login fails after).
import { fail, sleep } from "../harness.mjs";

export const name = "account";

/** Waits until `check()` (an API read) is true; fails with `what`. */
async function until(what, check, timeoutMs = 10_000) {
  let last;
  for (let waited = 0; waited < timeoutMs; waited += 200) {
    last = await check();
    if (last === true) return;
    await sleep(200);
  }
  fail(`${what}: ${JSON.stringify(last)}`);
}

/** Logs in from the account page's own button. */
async function logInOnAccount(page, site, email, password) {
  await page.goto(`${site}/account`);
  await page.click("masthead-account button:text-is('Log in')");
  await page.fill("dialog input[name=email]", email);
  await page.fill("dialog input[name=password]", password);
  await page.click("dialog button[type=submit]");
  await page.waitForSelector("dialog.mh-dialog", { state: "hidden" });
  await page.waitForSelector("masthead-account .mh-section");
}

export async function run(h) {
  const email = `account-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  const newPassword = "a brand new passphrase";
  const newEmail = `moved-${Date.now()}@example.com`;
  await h.signUp(email, password, "Acco Unt");
  h.expect(401, "/v1/auth/refresh");   // each fresh page before logging in
  // One API session for the checks (logging in for each would meet the
  // login limits); the password change below ends it, so it is renewed.
  let apiToken = await h.logIn(email, password);
  const token = async () => apiToken;

  // Subscribes (monthly digital) through the development provider.
  const page = await h.newPage();
  await logInOnAccount(page, h.site, email, password);
  await page.waitForSelector("masthead-account >> text=You have no subscription.");
  await page.goto(`${h.site}/subscribe`);
  await page.click(".mh-tier:has(.mh-tier-name:text-is('Digital')) button");
  await page.waitForURL(/\/v1\/billing\/dev\/checkout\//);
  await page.click("button:has-text('Pay')");
  await page.waitForSelector("masthead-checkout-success .mh-success", { timeout: 30_000 });

  // The account page shows the API's guarantee end, to the day.
  await page.goto(`${h.site}/account`);
  await page.waitForSelector("masthead-account .mh-plan");
  const mine = (await h.call("GET", "/v1/me/subscription", { token: await token() })).body.subscription;
  if (!mine?.guarantee_ends_at || mine.refund_requestable !== true) fail(`the subscription: ${JSON.stringify(mine)}`);
  await page.click("text=Ask for your money back");
  const offer = await page.locator(".mh-refund .mh-note").first().textContent();
  const shown = await page.evaluate((at) => new Intl.DateTimeFormat("en", { dateStyle: "long" }).format(new Date(at)), mine.guarantee_ends_at);
  if (!offer.includes(shown)) fail(`the refund offer says "${offer}", the API ${mine.guarantee_ends_at}`);
  await page.click("text=Ask for your money back");   // closes it again
  await h.shot(page, "subscribed");
  await h.axe(page, "the account page of a subscriber");

  // Changes plan: monthly -> yearly is an upgrade, applied at once.
  await page.click("masthead-account summary:text-is('Change plan')");
  await page.selectOption(".mh-change select[name=plan]", "digital:year");
  await page.click(".mh-change button[type=submit]");
  await page.waitForSelector(".mh-change >> text=Your plan is changed.");
  await until("the plan is not yearly", async () => {
    const s = (await h.call("GET", "/v1/me/subscription", { token: await token() })).body.subscription;
    return s.billing_interval === "year" && s.tier === "digital" || s;
  });
  await page.waitForSelector("masthead-account .mh-plan:has-text('Yearly')");
  await h.shot(page, "plan-changed");

  // Cancels (asked to confirm), then resumes.
  await page.click("masthead-account button:text-is('Cancel subscription')");
  await page.click("masthead-account .mh-confirm button:text-is('Confirm')");
  await page.waitForSelector("masthead-account button:text-is('Resume subscription')");
  const canceled = (await h.call("GET", "/v1/me/subscription", { token: await token() })).body.subscription;
  if (canceled.state !== "canceling" || !canceled.cancel_at_period_end) fail(`after cancel: ${JSON.stringify(canceled)}`);
  await page.waitForSelector("masthead-account >> text=Ends on");
  await h.shot(page, "canceled");
  await page.click("masthead-account button:text-is('Resume subscription')");
  await page.waitForSelector("masthead-account button:text-is('Cancel subscription')");
  const resumed = (await h.call("GET", "/v1/me/subscription", { token: await token() })).body.subscription;
  if (resumed.state !== "active" || resumed.cancel_at_period_end) fail(`after resume: ${JSON.stringify(resumed)}`);

  // Edits the profile and the print shipping address.
  const profile = page.locator("masthead-account form:has(input[name=line1])");
  await profile.locator("input[name=name]").fill("Ada Account");
  await profile.locator("input[name=line1]").fill("1 Harbour Street");
  await profile.locator("input[name=city]").fill("Bristol");
  await profile.locator("input[name=postal_code]").fill("BS1 4QA");
  await profile.locator("input[name=country]").fill("gb");
  await profile.locator("button[type=submit]").click();
  await profile.locator("text=Saved.").waitFor();
  const me = (await h.call("GET", "/v1/me", { token: await token() })).body;
  if (me.name !== "Ada Account" || me.shipping_address?.city !== "Bristol" || me.shipping_address?.country !== "GB") {
    fail(`the profile saved as ${JSON.stringify(me)}`);
  }
  await page.waitForSelector("masthead-status >> text=Signed in as Ada Account");
  await h.shot(page, "profile-saved");

  // Asks for a refund: the reason is required (the API refuses a blank
  // one), so the form does not send without it.
  await page.click("text=Ask for your money back");
  const asked = [];
  const onRequest = (r) => { if (r.url().includes("/refund-request")) asked.push(r.method()); };
  page.on("request", onRequest);
  await page.click(".mh-refund button[type=submit]");
  await sleep(300);
  if (asked.length) fail("the refund form sent a request without a reason");
  if (!(await page.locator(".mh-refund textarea[name=reason]:invalid").count())) fail("the empty reason is not marked invalid");
  await page.fill(".mh-refund textarea[name=reason]", "The crossword is too hard");
  await page.click(".mh-refund button[type=submit]");
  await page.waitForSelector("text=You asked for a refund");
  page.off("request", onRequest);
  const pending = (await h.call("GET", "/v1/me/refund-requests", { token: await token() })).body.items;
  if (pending?.length !== 1 || pending[0].reason !== "The crossword is too hard") fail(`refund requests: ${JSON.stringify(pending)}`);
  await page.waitForSelector(".mh-refund", { state: "detached" });   // one pending request is enough

  // Changes the password: the new one logs in, the old one fails.
  const passwords = page.locator("masthead-account form:has(input[name=new_password])");
  await passwords.locator("input[name=current_password]").fill(password);
  await passwords.locator("input[name=new_password]").fill(newPassword);
  await passwords.locator("button[type=submit]").click();
  await passwords.locator("text=Your password is changed.").waitFor();
  const old = await h.call("POST", "/v1/auth/login", { body: { email, password } });
  if (old.status !== 401) fail(`the old password answered ${old.status}`);
  apiToken = await h.logIn(email, newPassword);
  // This page's session survived the change.
  await page.reload();
  await page.waitForSelector("masthead-account .mh-plan");

  // Changes the email: the link from the outbox confirms it.
  const emails = page.locator("masthead-account form:has(input[name=new_email])");
  await emails.locator("input[name=new_email]").fill(newEmail);
  await emails.locator("input[name=current_password]").fill(newPassword);
  await emails.locator("button[type=submit]").click();
  await emails.locator(`text=Open the link we sent to ${newEmail}`).waitFor();
  await h.shot(page, "email-change-sent");
  const confirm = await h.mail(newEmail, /.*/);
  await page.goto(confirm.link(/verify-email\?token=/));
  await page.waitForSelector("masthead-verify-email .mh-success");
  const moved = await h.call("POST", "/v1/auth/login", { body: { email: newEmail, password: newPassword } });
  if (moved.status !== 200) fail(`the new email logs in with ${moved.status}`);
  const gone = await h.call("POST", "/v1/auth/login", { body: { email, password: newPassword } });
  if (gone.status !== 401) fail(`the old email still logs in (${gone.status})`);

  // Two sessions (this page and a second browser); "Log out everywhere"
  // ends both.
  await logInOnAccount(page, h.site, newEmail, newPassword);
  const other = await h.browser.newContext({ ignoreHTTPSErrors: true });
  const elsewhere = await other.newPage();
  h.watch(elsewhere);
  await logInOnAccount(elsewhere, h.site, newEmail, newPassword);
  await page.reload();
  await page.waitForSelector("masthead-account .mh-sessions li >> nth=1");
  const listed = await page.locator("masthead-account .mh-sessions li").count();
  if (listed < 2) fail(`the sessions list shows ${listed}`);
  await h.shot(page, "sessions");
  await page.click("masthead-account button:text-is('Log out everywhere')");
  await page.waitForSelector("masthead-account >> text=Log in to see your account.");
  await elsewhere.reload();
  await elsewhere.waitForSelector("masthead-account >> text=Log in to see your account.");
  await h.shot(elsewhere, "logged-out-elsewhere");
  await other.close();

  // Deletes the account: the password is required; login fails after.
  await logInOnAccount(page, h.site, newEmail, newPassword);
  await page.click("masthead-account summary:text-is('Delete account')");
  h.expect(403, "/v1/me");   // the wrong password first
  await page.fill(".mh-danger-zone input[name=password]", "not my password at all");
  await page.click(".mh-danger-zone button[type=submit]");
  await page.waitForSelector(".mh-danger-zone .mh-error:not(:empty)");
  await h.shot(page, "delete-wrong-password");
  await page.fill(".mh-danger-zone input[name=password]", newPassword);
  await page.click(".mh-danger-zone button[type=submit]");
  await page.waitForSelector("masthead-account >> text=Your account is deleted.");
  await h.shot(page, "deleted");
  const after = await h.call("POST", "/v1/auth/login", { body: { email: newEmail, password: newPassword } });
  if (after.status !== 401) fail(`login after deletion answered ${after.status}`);
  return "guarantee date, plan changed, canceled and resumed, profile, refund asked, password, email, logged out everywhere, deleted";
}
