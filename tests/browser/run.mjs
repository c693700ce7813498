// Runs every journey of journeys/ on each backend, each on a fresh
// Masthead, proxy and browser (harness.mjs); one line per journey and
// backend; exits non-zero if any failed.
//
// Usage: node run.mjs <path to the masthead binary>
//   BACKENDS=sqlite,postgres (default both)   JOURNEYS=reader,two-tabs (default all)
import { readdirSync } from "node:fs";
import path from "node:path";
import { Harness } from "./harness.mjs";

const here = path.dirname(new URL(import.meta.url).pathname);
const binary = path.resolve(process.argv[2] ?? "target/debug/masthead");
const backends = (process.env.BACKENDS ?? "sqlite,postgres").split(",").map((b) => b.trim()).filter(Boolean);
const only = process.env.JOURNEYS?.split(",").map((j) => j.trim());

const journeys = [];
for (const file of readdirSync(path.join(here, "journeys")).filter((f) => f.endsWith(".mjs")).sort()) {
  const journey = await import(path.join(here, "journeys", file));
  if (!only || only.includes(journey.name)) journeys.push(journey);
}

let failed = 0;
for (const journey of journeys) {
  for (const backend of backends) {
    const h = new Harness({ binary, backend, journey: journey.name, env: journey.env ?? {}, seed: journey.seed ?? false });
    const started = Date.now();
    try {
      await h.start();
      const summary = await journey.run(h);
      h.check();
      console.log(`ok    ${journey.name} on ${backend} (${((Date.now() - started) / 1000).toFixed(1)} s)${summary ? `: ${summary}` : ""}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL  ${journey.name} on ${backend}: ${error?.stack ?? error}`);
      if (h.problems.length) console.log(`  the browser also saw:\n    ${h.problems.join("\n    ")}`);
      if (h.log) console.log(`  masthead's last log lines:\n${h.log().split("\n").slice(-15).join("\n")}`);
    } finally {
      await h.close();
    }
  }
}
if (!journeys.length) { console.log("no journeys"); failed = 1; }
process.exitCode = failed ? 1 : 0;
