// A reader's whole journey through the portal on the sample site (issue 16,
// Tests): a visitor reads a teaser, signs up in the portal's dialog,
// verifies the address through the outbox link, subscribes (the
// development provider's checkout page), reads the full article and plays
// its audio, opens a second tab, reloads, and asks for a refund. The site
// is https://www.magazine.test (Masthead's /sample/ through the proxy), the
// API https://api.magazine.test. Screenshots at each step, axe on each of
// the site's pages.
import { fail } from "../harness.mjs";

export const name = "reader";
export const seed = true;   // `masthead demo`: "cities-of-water" has audio
export const env = { MASTHEAD_REQUIRE_VERIFIED_EMAIL_FOR_CHECKOUT: "true" };

const SLUG = "cities-of-water";

async function fullText(page) {
  await page.waitForSelector("masthead-paywall .mh-article-body p", { timeout: 15_000 });
  if (await page.locator("masthead-paywall .mh-wall").count()) fail("the wall is still shown");
}

export async function run(h) {
  const email = `reader-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  const article = `${h.site}/articles/${SLUG}`;

  // 1. A visitor reads the teaser: the wall offers the plans.
  const page = await h.newPage();
  await page.goto(article);
  await page.waitForSelector("masthead-paywall .mh-wall masthead-subscribe .mh-tier");
  const tiers = await page.locator(".mh-tier-name").allTextContents();
  if (!tiers.includes("Digital")) fail(`the subscribe box shows ${tiers}`);
  const perks = await page.locator(".mh-perk").allTextContents();
  for (const expected of ["24 issues per year", "Coming soon: Ad-free", "60-day money-back guarantee", "Cancel anytime"]) {
    if (!perks.includes(expected)) fail(`the subscribe box lacks "${expected}": ${perks}`);
  }
  await h.shot(page, "teaser");
  await h.axe(page, "the article's teaser");
  await page.click("text=Yearly");
  await page.waitForSelector(".mh-price:has-text('/ year')");
  await page.click("text=Monthly");

  // 2. Signs up in the dialog (from the header); Escape would close it.
  await page.click("masthead-status >> text=Sign up");
  await page.waitForSelector("dialog.mh-dialog[open]");
  await h.shot(page, "signup-dialog");
  await h.axe(page, "the signup dialog");
  await page.fill("dialog input[name=name]", "Rea Der");
  await page.fill("dialog input[name=email]", email);
  await page.fill("dialog input[name=password]", password);
  await page.click("dialog button[type=submit]");
  await page.waitForSelector("dialog .mh-success");
  await h.shot(page, "signed-up");
  await page.click("dialog >> text=Continue");
  await page.waitForSelector("dialog.mh-dialog", { state: "hidden" });
  await page.waitForSelector("masthead-status >> text=Signed in as Rea Der");

  // 3. Verifies the address through the outbox's link (the site's page).
  const welcome = await h.mail(email, /confirm|verify/i);
  const link = welcome.link(/verify-email\?token=/);
  if (!link.startsWith(`${h.site}/`)) fail(`the verification link points at ${link}`);
  await page.goto(link);
  await page.waitForSelector("masthead-verify-email .mh-success");
  await h.shot(page, "verified");
  await h.axe(page, "the verification page");
  // Verifying ends every session (pre-account-takeover defence): log in.
  await page.click("masthead-verify-email button:text-is('Log in')");
  await page.fill("dialog input[name=email]", email);
  await page.fill("dialog input[name=password]", password);
  await page.click("dialog button[type=submit]");
  await page.waitForSelector("masthead-status >> text=Signed in as Rea Der");

  // 4. Subscribes from the article's wall: the provider's checkout page.
  await page.goto(article);
  await page.waitForSelector("masthead-paywall .mh-tier");
  await page.click(".mh-tier:has(.mh-tier-name:text-is('Digital')) button");
  await page.waitForURL(/\/v1\/billing\/dev\/checkout\//);
  await h.shot(page, "checkout");
  await page.click("button:has-text('Pay')");
  await page.waitForURL(/\/billing\/checkout\/success/);
  await page.waitForSelector("masthead-checkout-success .mh-success", { timeout: 30_000 });
  await h.shot(page, "checkout-success");
  await h.axe(page, "the checkout success page");

  // 5. Reads the full article and plays its audio.
  await page.click("text=Continue reading");
  await page.waitForURL(article);
  await fullText(page);
  await page.waitForSelector("masthead-paywall audio");
  const played = await page.evaluate(async () => {
    const audio = document.querySelector("masthead-paywall audio");
    await audio.play();
    await new Promise((resolve) => setTimeout(resolve, 700));
    return audio.currentTime;
  });
  if (!(played > 0)) fail(`the audio did not play (currentTime ${played})`);
  await h.shot(page, "full-article");
  await h.axe(page, "the full article");

  // 6. A second tab, then a reload: the cookie keeps the reader logged in.
  const second = await h.newPage();
  await second.goto(article);
  await fullText(second);
  await page.reload();
  await fullText(page);
  await h.shot(second, "second-tab");
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k !== "masthead.session").join());
  if (stored) fail(`the portal stored ${stored}`);

  // 7. Asks for a refund on the account page, inside the guarantee.
  await page.goto(`${h.site}/account`);
  await page.waitForSelector("masthead-account .mh-plan");
  await h.shot(page, "account");
  await h.axe(page, "the account page");
  await page.click("text=Ask for your money back");
  const until = await page.locator(".mh-refund .mh-note").first().textContent();
  if (!/guarantee covers you until/.test(until)) fail(`the refund offer says ${until}`);
  await page.fill(".mh-refund textarea[name=reason]", "Not for me after all");
  await page.click(".mh-refund button[type=submit]");
  await page.waitForSelector("text=You asked for a refund");
  await h.shot(page, "refund-requested");
  const requests = await h.call("GET", "/v1/me/refund-requests", { token: await h.logIn(email, password) });
  if (requests.body.items?.length !== 1 || requests.body.items[0].status !== "pending") fail(`refund requests: ${JSON.stringify(requests.body)}`);
  return "teaser, signup, verified, subscribed, full text and audio, second tab, refund requested";
}
