// Renders cost-summary Markdown as GitHub would show it, in headless Debian Chromium: the
// Markdown by marked, each Mermaid block by mermaid. Fails when a file draws another number of
// charts than expected-charts.txt lists for it (or is not listed), when a block does not render,
// or when its chart lacks a bar per value. With --screenshot FILE, saves a picture of the first
// file's summary.
//
//   node render.mjs [--screenshot out.png] summary.md...
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { marked } from "marked";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let screenshot = "";
if (args[0] === "--screenshot") {
  screenshot = args[1];
  args.splice(0, 2);
}
if (args.length === 0) {
  console.error("usage: node render.mjs [--screenshot out.png] summary.md...");
  process.exit(2);
}

const style = `
  body { font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
         font-size: 14px; line-height: 1.5; color: #1f2328; max-width: 880px; margin: 0; }
  h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
  table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: 4px 12px; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { background: #eff1f3; padding: .2em .4em; border-radius: 6px; font-size: 85%; }
  blockquote { margin: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
  sub { color: #59636e; }
  section { padding: 8px 24px; background: #fff; }`;

// Mermaid blocks become <pre class="mermaid"> for mermaid.run, as GitHub renders them.
const renderer = new marked.Renderer();
const codeBlock = renderer.code.bind(renderer);
renderer.code = (token) =>
  token.lang === "mermaid" ? `<pre class="mermaid">${token.text.replace(/</g, "&lt;")}</pre>` : codeBlock(token);

const profile = mkdtempSync(join(tmpdir(), "summary-render-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
  viewport: { width: 940, height: 600 },
});
// expected-charts.txt: "file count" per line, # comments.
const expectedCharts = new Map(
  readFileSync(join(here, "expected-charts.txt"), "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim().split(/\s+/))
    .filter((fields) => fields.length === 2)
    .map(([file, count]) => [file, Number(count)]),
);

// One page holds every file, each in its own <section>, so that Mermaid loads once.
const files = args.map((file) => {
  const markdown = readFileSync(file, "utf8");
  return { file, blocks: [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]), html: marked.parse(markdown, { renderer }) };
});
let failures = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.setContent(`<!doctype html><meta charset="utf-8"><style>${style}</style><body>` +
    files.map((f, i) => `<section id="summary-${i}">${f.html}</section>`).join("\n") + "</body>");
  await page.addScriptTag({ path: join(here, "node_modules/mermaid/dist/mermaid.min.js") });
  const rendered = await page.evaluate(async (count) => {
    window.mermaid.initialize({ startOnLoad: false, theme: "default" });
    const all = [];
    for (let i = 0; i < count; i++) {
      const out = [];
      for (const pre of document.querySelectorAll(`#summary-${i} pre.mermaid`)) {
        try {
          await window.mermaid.parse(pre.textContent);
          await window.mermaid.run({ nodes: [pre] });
          const svg = pre.querySelector("svg");
          out.push({ bars: svg ? svg.querySelectorAll(".plot rect").length : -1, error: svg ? "" : "no SVG" });
        } catch (e) {
          out.push({ bars: 0, error: String(e && e.message ? e.message : e) });
        }
      }
      all.push(out);
    }
    return all;
  }, files.length);
  files.forEach(({ file, blocks }, i) => {
    const charts = rendered[i];
    const expected = expectedCharts.get(basename(file));
    if (expected === undefined) {
      console.error(`FAIL ${file}: not in expected-charts.txt; add how many charts it must draw`);
      failures++;
    } else if (blocks.length !== expected) {
      console.error(`FAIL ${file}: ${blocks.length} Mermaid blocks, ${expected} expected (expected-charts.txt)`);
      failures++;
    }
    if (charts.length !== blocks.length) {
      console.error(`FAIL ${file}: ${blocks.length} Mermaid blocks, ${charts.length} rendered`);
      failures++;
    }
    charts.forEach((c, n) => {
      const values = blocks[n].match(/bar \[(.*)\]/)[1].split(",").length;
      if (c.error || c.bars !== values) {
        console.error(`FAIL ${file}: chart ${n + 1}: ${c.error || `${c.bars} bars drawn for ${values} values`}`);
        failures++;
      } else {
        console.log(`ok ${file}: chart ${n + 1}, ${c.bars} bars`);
      }
    });
    if (blocks.length === 0 && expected === 0) console.log(`ok ${file}: no chart, as expected`);
  });
  const given = new Set(args.map((file) => basename(file)));
  for (const listed of expectedCharts.keys()) {
    if (!given.has(listed)) {
      console.error(`FAIL ${listed}: listed in expected-charts.txt but not rendered`);
      failures++;
    }
  }
  for (const e of errors) {
    console.error(`FAIL page error: ${e}`);
    failures++;
  }
  if (screenshot) {
    await page.locator("#summary-0").screenshot({ path: screenshot });
    console.log(`screenshot of ${args[0]} in ${screenshot}`);
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`summary-render: ${args.length} files, ${failures} failures`);
process.exit(failures ? 1 : 0);
