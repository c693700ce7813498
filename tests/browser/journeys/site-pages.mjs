// The site pages Masthead's emails link to, opened from the outbox as a
// reader would (docs/integration/site-pages.md): a forgotten password
// reset through the emailed link (the new password logs in, the old one
// fails), the unsubscribe link in an optional email's footer (a perk
// launch; product updates are off afterwards), and a gift bought on the
// development provider's page (the buyer is thanked for the gift, not
// asked to wait for a subscription) and redeemed by its recipient from the
// emailed link after logging in.
import { fail } from "../harness.mjs";

export const name = "site-pages";

/** Logs in through the portal's dialog, already open or opened by `opener`. */
async function logInDialog(page, email, password) {
  await page.waitForSelector("dialog.mh-dialog[open]");
  await page.fill("dialog input[name=email]", email);
  await page.fill("dialog input[name=password]", password);
  await page.click("dialog button[type=submit]");
  await page.waitForSelector("dialog.mh-dialog", { state: "hidden" });
}

export async function run(h) {
  const stamp = Date.now();
  const email = `forgetful-${stamp}@example.com`;
  const password = "correct horse battery staple";
  const reset = "a remembered passphrase";
  await h.signUp(email, password, "Fay Getful");
  h.expect(401, "/v1/auth/refresh");   // each fresh page before logging in

  // 1. Forgot the password: the dialog sends the link; the site's reset
  //    page sets a new one; the dialog logs in with it.
  const page = await h.newPage();
  await page.goto(`${h.site}/`);
  await page.click("masthead-status >> text=Log in");
  await page.click("dialog >> text=Forgot your password?");
  await page.fill("dialog input[name=email]", email);
  await page.click("dialog button[type=submit]");
  await page.waitForSelector(`dialog >> text=If an account uses ${email}`);
  await h.shot(page, "forgot-sent");
  await page.keyboard.press("Escape");
  const resetMail = await h.mail(email, /password/i);
  const resetLink = resetMail.link(/reset-password\?token=/);
  if (!resetLink.startsWith(`${h.site}/`)) fail(`the reset link points at ${resetLink}`);
  await page.goto(resetLink);
  await page.fill("masthead-reset-password input[name=new_password]", reset);
  await page.click("masthead-reset-password button[type=submit]");
  await page.waitForSelector("masthead-reset-password .mh-success");
  await h.shot(page, "password-reset");
  await h.axe(page, "the password-reset page");
  await page.click("masthead-reset-password button:text-is('Log in')");
  await logInDialog(page, email, reset);
  await page.waitForSelector("masthead-status >> text=Signed in as Fay Getful");
  const old = await h.call("POST", "/v1/auth/login", { body: { email, password } });
  if (old.status !== 401) fail(`the old password answered ${old.status}`);
  const token = await h.logIn(email, reset);

  // 2. Unsubscribes from the footer of an optional email (a perk launch
  //    to digital subscribers).
  const checkout = await h.call("POST", "/v1/billing/checkout", { token, body: { tier: "digital", interval: "month" } });
  if (checkout.status !== 201) fail(`checkout answered ${checkout.status}: ${JSON.stringify(checkout.body)}`);
  const paid = await fetch(checkout.body.url.replace(h.api, h.direct), { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (!paid.ok) fail(`the development checkout answered ${paid.status}`);
  const admin = await h.staff("admin");
  const launched = await h.call("PATCH", "/v1/admin/tiers/digital/perks/ad_free", { token: admin, body: { status: "live" } });
  if (launched.status >= 300) fail(`the launch answered ${launched.status}: ${JSON.stringify(launched.body)}`);
  const launch = await h.mail(email, /Ad-free is here/, 20_000);
  const unsubscribe = launch.link(/\/unsubscribe\?token=/);
  if (!unsubscribe.startsWith(`${h.site}/`)) fail(`the unsubscribe link points at ${unsubscribe}`);
  await page.goto(unsubscribe);
  await page.waitForSelector("masthead-unsubscribe >> text=Stop receiving product updates");
  await h.axe(page, "the unsubscribe page");
  const before = (await h.call("GET", "/v1/me", { token })).body.email_preferences;
  if (before?.product_updates !== true) fail(`opening the page changed the preference: ${JSON.stringify(before)}`);
  await page.click("masthead-unsubscribe button:text-is('Stop product updates')");
  await page.waitForSelector("masthead-unsubscribe .mh-success");
  await h.shot(page, "unsubscribed");
  const after = (await h.call("GET", "/v1/me", { token })).body.email_preferences;
  if (after?.product_updates !== false) fail(`after unsubscribing: ${JSON.stringify(after)}`);

  // 3. A gift: bought on the development provider's page (no login), the
  //    buyer thanked for it; the recipient redeems it from the email.
  const recipient = `lucky-${stamp}@example.com`;
  const gift = await h.call("POST", "/v1/gifts/checkout", {
    body: { tier: "digital", months: 3, recipient_email: recipient, buyer_email: `giver-${stamp}@example.com`, message: "Enjoy the crosswords!" },
  });
  if (gift.status !== 201) fail(`the gift checkout answered ${gift.status}: ${JSON.stringify(gift.body)}`);
  const buyer = await h.browser.newContext({ ignoreHTTPSErrors: true });
  const shop = await buyer.newPage();
  h.watch(shop);
  await shop.goto(gift.body.url);
  await h.shot(shop, "gift-checkout");
  await shop.click("button:has-text('Pay')");
  await shop.waitForURL(/\/billing\/checkout\/success\?.*gift_id=/);
  await shop.waitForSelector("masthead-checkout-success .mh-success:has-text('Thank you for your gift')");
  await h.shot(shop, "gift-thanks");
  await h.axe(shop, "the gift's success page");
  await buyer.close();

  const giftMail = await h.mail(recipient, /gift/i);
  const redeem = giftMail.link(/\/gifts\/redeem\?token=/);
  if (!redeem.startsWith(`${h.site}/`)) fail(`the redemption link points at ${redeem}`);
  await h.signUp(recipient, password, "Lucky Reader");
  const receiving = await h.browser.newContext({ ignoreHTTPSErrors: true });
  const lucky = await receiving.newPage();
  h.watch(lucky);
  await lucky.goto(redeem);
  await lucky.waitForSelector("masthead-gift-redeem >> text=Enjoy the crosswords!");
  await h.shot(lucky, "gift-redeem");
  await h.axe(lucky, "the gift's redemption page");
  await lucky.click("masthead-gift-redeem button:text-is('Log in')");
  await logInDialog(lucky, recipient, password);
  await lucky.click("masthead-gift-redeem button:text-is('Redeem the gift')");
  await lucky.waitForSelector("masthead-gift-redeem .mh-success");
  await h.shot(lucky, "gift-redeemed");
  const mine = (await h.call("GET", "/v1/me/subscription", { token: await h.logIn(recipient, password) })).body.subscription;
  if (mine?.state !== "gift" || mine.tier !== "digital") fail(`the recipient's subscription: ${JSON.stringify(mine)}`);
  if (mine.guarantee_ends_at !== null) fail(`a gift has no guarantee of its own: ${mine.guarantee_ends_at}`);
  await receiving.close();
  return "password reset by email, unsubscribed from a launch email, gift bought and redeemed";
}
