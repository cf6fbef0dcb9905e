// End to end in real headless Chromium against the running platform: a candidate accepts an
// invite, consents and answers every question by voice (fake camera, WAV as microphone); then
// the recruiter opens the report. Each main screen is checked with axe-core (WCAG 2 A/AA), and
// the candidate's consent and interview room once more at phone width. Env: BASE_URL,
// RECRUITER_EMAIL, RECRUITER_PASSWORD, AUDIO_WAV, SCREENSHOT_DIR.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};
const BASE_URL = env("BASE_URL");
const SHOTS = env("SCREENSHOT_DIR");
const RECORD_MS = 5000;
// The first answer waits for the speech and language models to load on a busy CPU.
const INTERVIEW_TIMEOUT_MS = 420_000;
const REPORT_TIMEOUT_MS = 120_000;
mkdirSync(SHOTS, { recursive: true });

async function apiCall(method, path, token, body) {
  const response = await fetch(`${BASE_URL}/api/v1${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const log = (message) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

// axe-core is served to the page from its own origin (a route the server never sees): the app's
// CSP (script-src 'self') would block an inline script tag, and stays enforced this way.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_URL = `${BASE_URL}/__e2e__/axe.min.js`;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const BLOCKING_IMPACTS = new Set(["serious", "critical"]);
const a11yFailures = [];
const newContext = async (options) => {
  const context = await browser.newContext(options);
  await context.route(AXE_URL, (route) => route.fulfill({ body: AXE_SOURCE, contentType: "text/javascript" }));
  return context;
};

// Serious and critical violations are collected and fail the walk at its end, so that one run
// lists every screen's problems; each is logged as soon as it is found.
async function checkA11y(page, screen) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ url: AXE_URL });
  const { passed, violations } = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return {
      passed: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      })),
    };
  }, AXE_TAGS);
  const blocking = violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  const lines = blocking.map((v) => `${screen}: ${v.id} (${v.impact}, ${v.nodes} nodes) ${v.help}: ${v.targets.join(" | ")}`);
  a11yFailures.push(...lines);
  const minor = violations.filter((v) => !BLOCKING_IMPACTS.has(v.impact)).map((v) => `${v.id} (${v.impact})`);
  log(`axe ${screen}: ${passed} rules passed, ${blocking.length ? `${blocking.length} serious/critical` : "no serious/critical violations"}${minor.length ? `; not failing: ${minor.join(", ")}` : ""}`);
  for (const line of lines) log(`  ${line}`);
}

// At phone width nothing may scroll sideways and the screen's main action must be on screen.
// A mobile browser widens the layout viewport (innerWidth) to fit content that overflows, so
// innerWidth is held to the screen's width too.
async function checkPhoneLayout(page, screen, action) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  const screenWidth = page.viewportSize().width;
  if (scrollWidth > innerWidth + 1 || innerWidth > screenWidth + 1) throw new Error(`${screen}: page is ${scrollWidth}px wide (layout viewport ${innerWidth}px) on a ${screenWidth}px screen`);
  await action.scrollIntoViewIfNeeded();
  if (!(await action.isVisible())) throw new Error(`${screen}: main action not visible`);
  const box = await action.boundingBox();
  if (!box || box.x < 0 || box.x + box.width > screenWidth + 1) throw new Error(`${screen}: main action outside the viewport (${JSON.stringify(box)})`);
  log(`phone ${screen}: ${scrollWidth}px wide on a ${screenWidth}px screen, main action visible`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--headless",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    `--use-file-for-fake-audio-capture=${env("AUDIO_WAV")}`,
    "--autoplay-policy=no-user-gesture-required",
  ],
});
try {
  // The recruiter prepares a short job and an invite through the API.
  const { access_token: recruiterToken } = await apiCall("POST", "/auth/login", null, {
    email: env("RECRUITER_EMAIL"),
    password: env("RECRUITER_PASSWORD"),
  });
  const job = await apiCall("POST", "/jobs", recruiterToken, {
    title: "Platform Engineer (e2e)",
    description: "Build and operate Python services on PostgreSQL and Redis, with queues and monitoring.",
    language: "en",
    scenario_key: "short",
  });
  const candidateEmail = `candidate-${Date.now()}@example.com`;
  const { invite_url: inviteUrl, interview } = await apiCall("POST", "/interviews", recruiterToken, {
    job_id: job.id,
    candidate_email: candidateEmail,
  });
  log(`invite for ${candidateEmail}: ${inviteUrl}`);

  // The candidate: invite, registration, consent and device check.
  const candidate = await newContext({ viewport: { width: 1280, height: 900 } });
  const page = await candidate.newPage();
  page.on("pageerror", (error) => log(`page error: ${error.message}`));
  const invite = new URL(inviteUrl);
  await page.goto(new URL(invite.pathname + invite.hash, BASE_URL).href);
  await page.getByLabel("Full name").fill("Casey Candidate");
  // The invite page names the address it was sent to and registers with it (not editable).
  const invitedEmail = await page.getByLabel("E-mail").inputValue();
  if (invitedEmail !== candidateEmail) throw new Error(`invite page shows ${invitedEmail}, not ${candidateEmail}`);
  await page.getByLabel("Password", { exact: true }).fill("correct-horse-battery-42");
  await shot(page, "01-invite-register");
  await checkA11y(page, "invite/registration");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Before you start" }).waitFor();
  // Nothing is consented until the candidate ticks it.
  await page.getByRole("checkbox", { name: /Record my voice/ }).check();
  await page.getByRole("checkbox", { name: /Use my camera/ }).check();
  await page.locator("video").waitFor();
  await page.getByText(/Connected \(/).waitFor();
  await shot(page, "02-consent-device-check");
  await checkA11y(page, "consent and device check");
  await page.getByRole("button", { name: "Start the interview" }).click();

  // Every question answered by voice until the end screen.
  const deadline = Date.now() + INTERVIEW_TIMEOUT_MS;
  const endScreen = page.getByRole("heading", { name: /interview is complete/ });
  let answered = 0;
  while (Date.now() < deadline) {
    const question = page.getByTestId("question-text");
    await Promise.race([question.waitFor({ timeout: 120_000 }), endScreen.waitFor({ timeout: 120_000 })]);
    if (await endScreen.isVisible()) break;
    const text = await question.textContent();
    log(`question ${answered + 1}: ${text}`);
    if (answered === 0) {
      await shot(page, "03-interview-room-question");
      await checkA11y(page, "interview room");
    }
    await page.getByRole("button", { name: /Start recording/ }).click();
    await page.getByRole("timer").waitFor();
    await page.waitForTimeout(RECORD_MS);
    if (answered === 0) await shot(page, "04-interview-room-recording");
    await page.getByRole("button", { name: /Stop recording/ }).click();
    await page.getByRole("button", { name: "Submit answer" }).click();
    await page.getByRole("button", { name: "Submit answer" }).waitFor({ state: "detached", timeout: 60_000 });
    if (answered === 0) await shot(page, "05-interview-room-processing");
    answered++;
    // The transcription must succeed: a failure shows an alert asking to type instead.
    if (await page.getByText(/could not turn your recording into text/).isVisible()) throw new Error("transcription failed");
  }
  if (!(await endScreen.isVisible())) throw new Error(`interview not finished after ${answered} answers`);
  await shot(page, "06-end-screen");
  await checkA11y(page, "end screen");
  log(`interview finished after ${answered} spoken answers`);
  if (answered !== interview.stage_count) throw new Error(`answered ${answered} of ${interview.stage_count} stages`);

  // The recruiter: sign in through the UI, list of interviews, then the report.
  const recruiter = await newContext({ viewport: { width: 1280, height: 900 } });
  const desk = await recruiter.newPage();
  await desk.goto(`${BASE_URL}/`);
  await desk.getByLabel("E-mail").fill(env("RECRUITER_EMAIL"));
  await desk.getByLabel("Password", { exact: true }).fill(env("RECRUITER_PASSWORD"));
  await desk.getByRole("button", { name: "Sign in" }).click();
  await desk.getByRole("heading", { name: "Interviews" }).waitFor();
  await desk.getByLabel("Search by e-mail").fill(candidateEmail);
  await desk.getByRole("cell", { name: candidateEmail }).waitFor();
  await shot(desk, "07-recruiter-interviews");
  await checkA11y(desk, "recruiter interviews");
  await desk.getByRole("link", { name: "Jobs" }).click();
  await desk.getByRole("heading", { name: "Platform Engineer (e2e)" }).waitFor();
  await shot(desk, "08-recruiter-jobs");

  const reportDeadline = Date.now() + REPORT_TIMEOUT_MS;
  for (;;) {
    await desk.goto(`${BASE_URL}/interviews/${interview.id}/report`);
    await desk.getByRole("heading", { name: "Transcript" }).waitFor();
    await desk.waitForLoadState("networkidle");
    if ((await desk.getByTestId("report-not-ready").count()) === 0) break;
    if (Date.now() > reportDeadline) throw new Error("report not ready in time");
    await desk.waitForTimeout(3000);
  }
  const scores = await desk.getByTestId("competency-score").allTextContents();
  const states = await desk.getByTestId("competency-state").allTextContents();
  const scoring = await desk.getByTestId("scoring").textContent();
  const evidence = await desk.getByTestId("evidence").count();
  const turns = await desk.getByTestId("transcript-turn").allTextContents();
  log(`report: ${scoring}; scores ${scores.join(", ")}; states ${states.join(", ")}; ${evidence} competencies with evidence; ${turns.length} turns`);
  // Each competency card shows a score or, where there is none to show, its state in words.
  const cards = await desk.getByTestId("competency-evidence").count();
  if (cards === 0 || scores.filter((s) => /\d/.test(s)).length + states.length !== cards) throw new Error("a competency shows neither a score nor its state");
  if (evidence > 0 && (await desk.locator("mark").count()) === 0) throw new Error("evidence is not highlighted in the transcript");
  if (turns.length !== interview.stage_count || turns.some((t) => t.includes("(no answer yet)"))) throw new Error("transcript incomplete");
  await shot(desk, "09-recruiter-report");
  await checkA11y(desk, "report (en)");
  await desk.getByLabel("Language").selectOption("ko");
  await desk.getByRole("heading", { name: "면접 리포트" }).waitFor();
  await shot(desk, "10-recruiter-report-ko");
  await checkA11y(desk, "report (ko)");

  // Phone width: a second candidate on a second invite, as far as the first question. Done last,
  // when the models are loaded and the report is written, so it adds only seconds.
  const phoneStarted = Date.now();
  const phoneEmail = `phone-${Date.now()}@example.com`;
  const { invite_url: phoneInvite } = await apiCall("POST", "/interviews", recruiterToken, { job_id: job.id, candidate_email: phoneEmail });
  const phone = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const mobile = await phone.newPage();
  mobile.on("pageerror", (error) => log(`phone page error: ${error.message}`));
  const phoneUrl = new URL(phoneInvite);
  await mobile.goto(new URL(phoneUrl.pathname + phoneUrl.hash, BASE_URL).href);
  await mobile.getByLabel("Full name").fill("Pat Phone");
  await mobile.getByLabel("Password", { exact: true }).fill("correct-horse-battery-42");
  await mobile.getByRole("button", { name: "Create account" }).click();
  await mobile.getByRole("heading", { name: "Before you start" }).waitFor();
  await mobile.getByRole("checkbox", { name: /Record my voice/ }).check();
  await mobile.getByRole("checkbox", { name: /Use my camera/ }).check();
  await mobile.locator("video").waitFor();
  await mobile.getByText(/Connected \(/).waitFor();
  await checkPhoneLayout(mobile, "consent and device check", mobile.getByRole("button", { name: "Start the interview" }));
  await shot(mobile, "11-phone-consent-device-check");
  await mobile.getByRole("button", { name: "Start the interview" }).click();
  await mobile.getByTestId("question-text").waitFor({ timeout: 60_000 });
  await checkPhoneLayout(mobile, "interview room", mobile.getByRole("button", { name: /Start recording/ }));
  await shot(mobile, "12-phone-interview-room-question");
  await phone.close();
  log(`phone-width checks took ${((Date.now() - phoneStarted) / 1000).toFixed(1)} s`);

  if (a11yFailures.length) throw new Error(`accessibility (axe, WCAG 2 A/AA), serious or critical:\n${a11yFailures.join("\n")}`);
  log("ok");
} finally {
  await browser.close();
}
