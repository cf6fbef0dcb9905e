// The application shell: header with navigation and language switch, and the routes.
import { AdminPage } from "./admin/AdminPage";
import { ModelsPage } from "./admin/ModelsPage";
import { AuthForms, ErrorNote } from "./auth/AuthForms";
import { InterviewInvitePage, OrganisationInvitePage } from "./auth/InvitePages";
import { interviewInviteHref, readInterviewInvite } from "./auth/inviteLink";
import { VerifyEmailPage } from "./auth/VerifyEmailPage";
import { SessionProvider, useSession } from "./auth/session";
import { InterviewRoom } from "./candidate/InterviewRoom";
import { MyInterviews } from "./candidate/MyInterviews";
import { I18nProvider, useI18n, type Language } from "./i18n";
import { NotFoundPage } from "./NotFoundPage";
import { InterviewsPage } from "./recruiter/InterviewsPage";
import { JobsPage } from "./recruiter/JobsPage";
import { ReportPage } from "./recruiter/ReportPage";
import { TrainingPage } from "./recruiter/TrainingPage";
import { Link, matchRoute, navigate, Redirect, useLocation } from "./router";

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </I18nProvider>
  );
}

function Shell() {
  const { t, language, setLanguage } = useI18n();
  const { user, signOut } = useSession();
  const staff = user?.role === "recruiter" || user?.role === "admin";
  return (
    <>
      <a href="#main" className="skip-link">
        {t("skipToContent")}
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          {t("appName")}
        </Link>
        <nav aria-label="Main">
          {staff && <Link href="/interviews">{t("navInterviews")}</Link>}
          {staff && <Link href="/jobs">{t("navJobs")}</Link>}
          {staff && <Link href="/training">{t("navTraining")}</Link>}
          {user?.role === "admin" && <Link href="/admin">{t("navAdmin")}</Link>}
          {user?.role === "admin" && <Link href="/admin/models">{t("navModels")}</Link>}
          {user?.role === "candidate" && <Link href="/">{t("navMyInterviews")}</Link>}
        </nav>
        <div className="topbar-right">
          <label className="visually-hidden" htmlFor="language-switch">
            {t("language")}
          </label>
          <select id="language-switch" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
          {user && (
            <button type="button" className="link" onClick={() => void signOut().then(() => navigate("/"))}>
              {t("signOut")} ({user.email})
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
    </>
  );
}

// The pages behind sign-in; any other address (past the invite links) is not found.
const PAGES = ["/", "/jobs", "/training", "/admin", "/admin/models", "/interviews", "/interview/:id", "/interviews/:id/report"];

function isKnownPath(path: string): boolean {
  return PAGES.some((pattern) => matchRoute(pattern, path) !== null);
}

function Routes() {
  const { t } = useI18n();
  const location = useLocation();
  const hash = location.hash;
  // "/jobs/" is "/jobs".
  const path = location.path.replace(/\/+$/, "") || "/";
  const { user, loading } = useSession();
  if (path === "/invite") return <OrganisationInvitePage token={new URLSearchParams(hash.slice(1)).get("token")} />;
  if (path === "/verify-email") return <VerifyEmailPage token={new URLSearchParams(hash.slice(1)).get("token")} />;
  const invite = readInterviewInvite(path, hash);
  if (invite?.legacy && invite.token) return <Redirect to={interviewInviteHref(invite.token)} />;
  if (invite) return invite.token ? <InterviewInvitePage token={invite.token} /> : <ErrorNote error={t("inviteMissing")} />;
  if (!isKnownPath(path)) return <NotFoundPage />;
  if (loading) return <p>{t("loading")}</p>;
  if (!user)
    return (
      <div className="narrow">
        <AuthForms onSignedIn={() => undefined} />
      </div>
    );
  const room = matchRoute("/interview/:id", path);
  if (room) return <InterviewRoom key={room.id} interviewId={room.id} />;
  const report = matchRoute("/interviews/:id/report", path);
  if (report) return <ReportPage interviewId={report.id} />;
  if (path === "/jobs") return <JobsPage />;
  if (path === "/admin" && user.role === "admin") return <AdminPage />;
  if (path === "/admin/models" && user.role === "admin") return <ModelsPage />;
  if (path === "/training" && user.role !== "candidate") return <TrainingPage user={user} />;
  if (user.role === "candidate") return <MyInterviews />;
  return <InterviewsPage />;
}
