// The staff console, editor side (issue 16, Tests): an editor signs in,
// writes an article, previews its teaser, creates and publishes it, and
// uploads its audio with the progress bar; the public API shows it.
import { fail } from "../harness.mjs";

export const name = "console-editor";

/// A small MP3-looking file (an ID3 header and frame headers), as the API
/// tests upload.
function sampleAudio() {
  const bytes = [0x49, 0x44, 0x33, 0x03, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 400; i += 1) bytes.push(0xff, 0xfb, 0x90, 0x64, (i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255);
  return Buffer.from(bytes);
}

export async function run(h) {
  const email = `editor-${Date.now()}@magazine.test`;
  const password = "staff password 123";
  await h.staff("editor", email, password);
  const slug = `night-trains-${Date.now()}`;

  const page = await h.newPage();
  await page.goto(`${h.api}/console/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(/\/console$/), page.click("button[type=submit]")]);
  await Promise.all([page.waitForURL(/\/console\/articles$/), page.click("nav >> text=Articles")]);
  await Promise.all([page.waitForURL(/\/console\/articles\/new$/), page.click("text=New article")]);
  await h.axe(page, "new article");
  await page.fill("#title", "Night Trains");
  await page.fill("#slug", slug);
  await page.fill("#dek", "Across Europe by sleeper.");
  await page.fill("#author", "A. Writer");
  await page.fill("#body", "The opening paragraph.\n\nThe second one.\n\nBehind the wall.");
  await page.fill("#paywall_cut", "1");
  await Promise.all([page.waitForLoadState("load"), page.click("button[name=preview]")]);
  const teaser = await page.textContent("#teaser");
  if (!teaser.includes("The opening paragraph.") || teaser.includes("Behind the wall.")) fail(`teaser: ${teaser}`);
  await h.shot(page, "preview");
  await Promise.all([page.waitForURL(new RegExp(`/console/articles/${slug}$`)), page.click("text=Create draft")]);
  await Promise.all([page.waitForLoadState("load"), page.click("form[action$='/publish'] button")]);
  const published = await page.textContent("main");
  if (!published.includes("Published.")) fail(`publishing: ${published.replace(/\s+/g, " ").slice(0, 400)}`);
  await h.axe(page, "article page");

  await page.setInputFiles("#audio-file", { name: "reading.mp3", mimeType: "audio/mpeg", buffer: sampleAudio() });
  await page.fill("#duration_seconds", "42");
  await Promise.all([page.waitForSelector("p.flash:has-text('Audio stored')"), page.click("button:has-text('Upload audio')")]);
  const status = await page.textContent("#audio-status");
  if (!status.includes("42 s")) fail(`audio status: ${status}`);
  await h.shot(page, "audio");

  const shown = await h.call("GET", `/v1/articles/${slug}`);
  if (shown.status !== 200 || shown.body.title !== "Night Trains") fail(`the public article: ${shown.status} ${JSON.stringify(shown.body)}`);
  if (shown.body.audio_duration_seconds !== 42) fail(`the public article names no audio: ${JSON.stringify(shown.body)}`);
  return "editor wrote, previewed, published and added audio; the public API shows it";
}
