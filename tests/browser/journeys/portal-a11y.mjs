// The portal's dialogs and strings beyond the reader's happy path: the
// French catalogue (`lang`), a dialog's keyboard behaviour (focus moves in,
// Escape closes it, focus returns to its opener), a wrong password
// announced in the dialog's alert, and axe on each state.
import { fail } from "../harness.mjs";

export const name = "portal-a11y";

const active = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el?.tagName, text: el?.textContent, inDialog: Boolean(el?.closest("dialog")) };
});

export async function run(h) {
  const email = `keys-${Date.now()}@example.com`;
  await h.signUp(email, "correct horse battery staple", "Kay Board");
  h.expect(401, "/v1/auth/login");   // the wrong password below

  // French, from the element's lang attribute.
  const page = await h.newPage();
  await page.goto(`${h.site}/subscribe?lang=fr`);
  await page.waitForSelector(".mh-tier");
  const french = await page.locator("masthead-subscribe").textContent();
  for (const expected of ["S’abonner", "/ mois", "Bientôt : Sans publicité", "Résiliable à tout moment"]) {
    if (!french.includes(expected)) fail(`the French box lacks "${expected}": ${french}`);
  }
  await h.shot(page, "subscribe-fr");
  await h.axe(page, "the French subscribe box");

  // The dialog: focus in, Escape out, focus back on its opener.
  await page.goto(`${h.site}/subscribe`);
  await page.waitForSelector(".mh-tier");
  const opener = page.locator("masthead-status button", { hasText: "Log in" });
  await opener.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("dialog.mh-dialog[open]");
  if (!(await active(page)).inDialog) fail("focus did not move into the dialog");
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    const now = await active(page);
    if (now.tag !== "BODY" && !now.inDialog) fail(`Tab left the modal dialog for ${now.tag} "${now.text}"`);
  }
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.mh-dialog", { state: "hidden" });
  const back = await active(page);
  if (back.text !== "Log in") fail(`focus returned to ${back.tag} "${back.text}"`);

  // A wrong password is announced in the dialog.
  await page.keyboard.press("Enter");
  await page.fill("dialog input[name=email]", email);
  await page.fill("dialog input[name=password]", "not the password at all");
  await page.click("dialog button[type=submit]");
  await page.waitForSelector("dialog .mh-error[role=alert]:not(:empty)");
  await h.shot(page, "login-error");
  await h.axe(page, "the login dialog with an error");
  await page.click("dialog .mh-close");

  // Closed and opened again before the browser runs the close event (a
  // quick Escape then Enter): the new login form stays in the dialog.
  await page.waitForSelector("dialog.mh-dialog", { state: "hidden" });
  const reopened = await page.evaluate(async () => {
    const login = [...document.querySelectorAll("masthead-status button")].find((b) => b.textContent === "Log in");
    login.click();
    const d = document.querySelector("dialog.mh-dialog");
    const closed = new Promise((resolve) => d.addEventListener("close", resolve, { once: true }));
    d.close();
    login.click();
    await closed;
    return { open: d.open, email: Boolean(d.querySelector("input[name=email]")) };
  });
  if (!reopened.open || !reopened.email) fail(`a dialog reopened before its close event lost its form: ${JSON.stringify(reopened)}`);
  await page.keyboard.press("Escape");
  return "French strings, focus into and back from the dialog, Escape, errors announced, reopened at once";
}
