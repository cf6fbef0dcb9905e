// End to end in real headless Chromium against the running platform: a candidate opens the
// invite from the e-mail, uploads a résumé, consents and answers every question by voice (fake
// camera, WAV as microphone); then the recruiter opens the report, decides and downloads the
// PDF. Each main screen is checked with axe-core (WCAG 2 A/AA); a second candidate, on a Korean
// job in a Korean browser at phone width, types the first answer. Any console error fails the
// walk. Env: BASE_URL, RECRUITER_EMAIL, RECRUITER_PASSWORD, AUDIO_WAV, SCREENSHOT_DIR, MAIL_DIR
// (where the platform's SMTP sink stores each sent message as an .eml file).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

// Every console error and uncaught exception on any page fails the walk at its end.
const consoleErrors = [];
function watchConsole(page, label) {
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const { url } = message.location();
    consoleErrors.push(`${label}: ${message.text()}${url ? ` (${url})` : ""}`);
    log(`console error on ${label}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    consoleErrors.push(`${label}: uncaught ${error.message}`);
    log(`page error on ${label}: ${error.message}`);
  });
}

// The invitation as the candidate receives it: the newest .eml in the sink addressed to them,
// its body decoded (the platform sends one 8bit text/plain part; quoted-printable and base64
// are decoded too, so a change of encoding fails on the link, not on the parsing).
async function invitationLink(to, timeoutMs = 20_000) {
  const directory = env("MAIL_DIR");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let names = [];
    try {
      // Dot files are the sink's half-written messages.
      names = readdirSync(directory).filter((name) => name.endsWith(".eml") && !name.startsWith("."));
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
    }
    for (const name of names.sort().reverse()) {
      const raw = readFileSync(join(directory, name), "latin1");
      const split = raw.search(/\r?\n\r?\n/);
      const headers = new Map(
        raw
          .slice(0, split)
          .replace(/\r?\n[ \t]+/g, " ")
          .split(/\r?\n/)
          .map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      if (!(headers.get("to") ?? "").toLowerCase().includes(to.toLowerCase())) continue;
      if (/multipart/i.test(headers.get("content-type") ?? "")) throw new Error(`${name}: multipart mail is not expected`);
      let body = raw.slice(split).trim();
      const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
      if (encoding === "quoted-printable") body = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      const text = encoding === "base64" ? Buffer.from(body, "base64").toString("utf8") : Buffer.from(body, "latin1").toString("utf8");
      const links = text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
      const invite = links.find((link) => new URL(link).pathname.startsWith("/invite"));
      if (!invite) throw new Error(`${name}: no invitation link in:\n${text}`);
      log(`invitation mail ${name} to ${to}`);
      return invite;
    }
    if (Date.now() > deadline) throw new Error(`no invitation mail to ${to} in ${directory} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
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
  // The candidate follows the link in the invitation e-mail, the one the recruiter was shown.
  const mailedUrl = await invitationLink(candidateEmail);
  if (mailedUrl !== inviteUrl) throw new Error(`mailed link ${mailedUrl} is not the invite ${inviteUrl}`);
  if (new URL(mailedUrl).origin !== new URL(BASE_URL).origin) throw new Error(`mailed link ${mailedUrl} is not on ${BASE_URL}`);

  // The candidate: invite, registration, consent and device check.
  const candidate = await newContext({ viewport: { width: 1280, height: 900 } });
  const page = await candidate.newPage();
  watchConsole(page, "candidate");
  await page.goto(mailedUrl);
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
  // A plain-text résumé, uploaded as soon as it is chosen; the report names it later.
  const resumeName = "casey-candidate-resume.txt";
  await page.getByLabel("Résumé file").setInputFiles({
    name: resumeName,
    mimeType: "text/plain",
    buffer: Buffer.from("Casey Candidate\nBackend engineer, 6 years.\nPython, PostgreSQL, Redis: built a payment service and cut its nightly batch from six hours to forty minutes.\n"),
  });
  await page.getByTestId("resume-chosen").filter({ hasText: resumeName }).waitFor({ timeout: 30_000 });
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
  watchConsole(desk, "recruiter");
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
  const resumeLine = await desk.getByTestId("report-resume").textContent();
  if (!resumeLine.includes(`Résumé: ${resumeName}`)) throw new Error(`report does not name the résumé: ${resumeLine}`);
  await shot(desk, "09-recruiter-report");
  await checkA11y(desk, "report (en)");

  // The recruiter's decision through the form: the page then says who decided and when.
  const decisionStarted = new Date();
  await desk.getByRole("radio", { name: "Advance", exact: true }).check();
  await desk.getByLabel("Note", { exact: true }).fill("Strong measured example; invite to the panel.");
  await desk.getByRole("button", { name: "Save decision" }).click();
  await desk.getByText("Decision saved.").waitFor();
  const decidedBy = await desk.getByTestId("decided-by").textContent();
  const today = decisionStarted.toLocaleDateString("en");
  if (!decidedBy.includes("Advance") || !decidedBy.includes(env("RECRUITER_EMAIL")) || !decidedBy.includes(today)) throw new Error(`decision line lacks who or when: ${decidedBy}`);
  log(`decision: ${decidedBy}`);
  // The PDF through its button (an authorised fetch handed to the browser as a blob download).
  const [download] = await Promise.all([desk.waitForEvent("download", { timeout: 60_000 }), desk.getByRole("button", { name: /Download PDF/ }).click()]);
  const pdf = readFileSync(await download.path());
  if (pdf.subarray(0, 5).toString("latin1") !== "%PDF-" || pdf.length <= 1024) throw new Error(`PDF download is not a PDF of over 1 KB (${pdf.length} bytes, starts ${JSON.stringify(pdf.subarray(0, 8).toString("latin1"))})`);
  writeFileSync(join(SHOTS, download.suggestedFilename()), pdf);
  log(`PDF ${download.suggestedFilename()}: ${pdf.length} bytes`);
  await desk.getByLabel("Language").selectOption("ko");
  await desk.getByRole("heading", { name: "면접 리포트" }).waitFor();
  await shot(desk, "10-recruiter-report-ko");
  await checkA11y(desk, "report (ko)");

  // Phone width: a second candidate, on a Korean job, in a Korean browser, as far as the first
  // typed answer. Done last, when the models are loaded and the report is written, so it adds
  // only seconds.
  const phoneStarted = Date.now();
  const hangul = /[\uAC00-\uD7A3]/;
  const koJob = await apiCall("POST", "/jobs", recruiterToken, {
    title: "플랫폼 엔지니어 (e2e)",
    description: "PostgreSQL과 Redis 위에서 Python 서비스를 만들고 운영합니다. 큐와 모니터링을 다룹니다.",
    language: "ko",
    scenario_key: "short",
  });
  const phoneEmail = `phone-${Date.now()}@example.com`;
  const { invite_url: phoneInvite } = await apiCall("POST", "/interviews", recruiterToken, { job_id: koJob.id, candidate_email: phoneEmail });
  const phone = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "ko-KR" });
  const mobile = await phone.newPage();
  watchConsole(mobile, "phone candidate (ko)");
  const phoneUrl = new URL(phoneInvite);
  await mobile.goto(new URL(phoneUrl.pathname + phoneUrl.hash, BASE_URL).href);
  // The UI follows the browser's language: Korean labels, and the page says it is Korean.
  await mobile.getByLabel("이름").fill("Pat Phone");
  await mobile.getByLabel("비밀번호", { exact: true }).fill("correct-horse-battery-42");
  await mobile.getByRole("button", { name: "계정 만들기" }).click();
  await mobile.getByRole("heading", { name: "시작하기 전에" }).waitFor();
  const pageLang = await mobile.evaluate(() => document.documentElement.lang);
  if (pageLang !== "ko") throw new Error(`Korean UI in a page whose lang is "${pageLang}"`);
  await mobile.getByRole("checkbox", { name: /목소리를 녹음/ }).check();
  await mobile.getByRole("checkbox", { name: /카메라를 사용/ }).check();
  await mobile.locator("video").waitFor();
  await mobile.getByText(/연결됨 \(/).waitFor();
  await checkPhoneLayout(mobile, "consent and device check", mobile.getByRole("button", { name: "면접 시작" }));
  await shot(mobile, "11-phone-consent-device-check");
  await mobile.getByRole("button", { name: "면접 시작" }).click();
  const phoneQuestion = mobile.getByTestId("question-text");
  await phoneQuestion.waitFor({ timeout: 60_000 });
  const firstKo = await phoneQuestion.textContent();
  log(`Korean question 1: ${firstKo}`);
  if (!hangul.test(firstKo)) throw new Error(`Korean job asks: ${firstKo}`);
  await checkPhoneLayout(mobile, "interview room", mobile.getByRole("button", { name: /녹음 시작/ }));
  await shot(mobile, "12-phone-interview-room-question");
  // The first answer typed; it is taken when the next question (Korean too) replaces it.
  await mobile.getByRole("button", { name: "글로 답하기" }).click();
  await mobile.getByLabel("내 답변", { exact: true }).fill("이전 회사에서 PostgreSQL 위에 Python으로 결제 서비스를 만들었습니다. 느린 쿼리를 측정해 인덱스를 추가했고, 야간 작업이 여섯 시간에서 사십 분으로 줄었습니다.");
  await checkPhoneLayout(mobile, "typed answer", mobile.getByRole("button", { name: "답변 제출" }));
  await shot(mobile, "13-phone-interview-room-typed-answer");
  await checkA11y(mobile, "interview room (ko, phone)");
  await mobile.getByRole("button", { name: "답변 제출" }).click();
  await mobile.waitForFunction((first) => {
    const text = document.querySelector('[data-testid="question-text"]')?.textContent;
    return text && text !== first;
  }, firstKo, { timeout: 120_000 });
  const secondKo = await phoneQuestion.textContent();
  log(`Korean question 2 (after the typed answer): ${secondKo}`);
  if (!hangul.test(secondKo)) throw new Error(`Korean job asks: ${secondKo}`);
  await phone.close();
  log(`phone-width checks took ${((Date.now() - phoneStarted) / 1000).toFixed(1)} s`);

  if (consoleErrors.length) throw new Error(`console errors:\n${consoleErrors.join("\n")}`);
  if (a11yFailures.length) throw new Error(`accessibility (axe, WCAG 2 A/AA), serious or critical:\n${a11yFailures.join("\n")}`);
  log("ok");
} finally {
  await browser.close();
}
