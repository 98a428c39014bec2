import { useEffect, type ReactNode } from 'react';
import { App as AntApp, Button, Result } from 'antd';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { GraphqlProvider } from './api/GraphqlProvider';
import { LoginPage } from './auth/LoginPage';
import { MeProvider, useMe } from './auth/MeProvider';
import { PasswordRequestPage, PasswordResetPage } from './auth/PasswordResetPages';
import { SessionProvider, useSession } from './auth/SessionProvider';
import { SignupPage } from './auth/SignupPage';
import { VerifyEmailPage } from './auth/VerifyEmailPage';
import { ErrorState, NotFound, PageLoading } from './components/QueryState';
import { RulesPage } from './features/admin/RulesPage';
import { FundMatchesPage } from './features/projects/FundMatchesPage';
import { MonitoringPage } from './features/projects/MonitoringPage';
import { ProjectDetailPage } from './features/projects/ProjectDetailPage';
import { ProjectsPage } from './features/projects/ProjectsPage';
import { ApplicantProjectPage } from './features/projects/applicant/ApplicantProjectPage';
import { ApplicationFormPage } from './features/projects/applicant/ApplicationFormPage';
import { MyProjectsPage } from './features/projects/applicant/MyProjectsPage';
import { OrganisationsPage } from './features/projects/organisations/OrganisationsPage';
import { MyGiftsPage } from './features/giving/MyGiftsPage';
import { GivePage } from './features/giving/GivePage';
import { DisclosurePage, PublicDisclosurePage } from './features/giving/DisclosurePage';
import { HomePage } from './features/home/HomePage';
import { HouseholdDetailPage } from './features/households/HouseholdDetailPage';
import { HouseholdRegisterPage } from './features/households/HouseholdRegisterPage';
import { HouseholdsPage } from './features/households/HouseholdsPage';
import { OverdueVisitsPage } from './features/households/OverdueVisitsPage';
import { MyVisitsPage } from './features/visits/MyVisitsPage';
import { MatchConsolePage } from './features/matching/MatchConsolePage';
import { StockPage } from './features/stock/StockPage';
import { OfflineDonationsPage } from './features/donations-offline/OfflineDonationsPage';
import { VisitRateDashboardPage } from './features/dashboards/VisitRateDashboardPage';
import { MyTasksPage, NearbyTasksPage, ScanPage, TaskManagePage } from './features/tasks/TasksPages';
import { OpenNeedsPage } from './features/needs/OpenNeedsPage';
import { TimeBankPage } from './features/timebank/TimeBankPage';
import { TimeBankActionsPage } from './features/timebank-actions/TimeBankActionsPage';
import { TaskCreatePage } from './features/task-create/TaskCreatePage';
import { NotificationsPage } from './features/notifications/NotificationsPage';
import { ProfilePage } from './features/profile/ProfilePage';
import { I18nProvider, useI18n } from './i18n/I18nProvider';
import { AppShell } from './shell/AppShell';

/** Signed-in area: anonymous visitors go to /login and come back afterwards. */
function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const { t } = useI18n();
  if (session.status === 'loading') return <PageLoading />;
  if (session.status === 'offline')
    return (
      <Result
        status="warning"
        title={t('app.networkError')}
        extra={<Button onClick={() => void session.refresh()}>{t('app.retry')}</Button>}
      />
    );
  if (session.status === 'anonymous') return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <MeProvider>{children}</MeProvider>;
}

/** Waits for `me`; a session that ended meanwhile (me = null) is noticed and sends the user to log in. */
function MeGate({ children }: { children: ReactNode }) {
  const { me, fetching, error, refetch } = useMe();
  const session = useSession();
  useEffect(() => {
    if (!fetching && !error && me === null) void session.refresh();
  }, [fetching, error, me, session]);
  if (error && !me) return <ErrorState error={error} onRetry={refetch} />;
  if (!me) return <PageLoading />;
  return <>{children}</>;
}

function PublicOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.status === 'loading') return <PageLoading />;
  if (session.status === 'authenticated') return <Navigate to="/" replace />;
  return <>{children}</>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<PublicOnly><LoginPage /></PublicOnly>} />
      <Route path="/account/signup" element={<PublicOnly><SignupPage /></PublicOnly>} />
      <Route path="/signup" element={<Navigate to="/account/signup" replace />} />
      <Route path="/account/verify-email/:key" element={<VerifyEmailPage />} />
      <Route path="/account/password/reset" element={<PasswordRequestPage />} />
      <Route path="/account/password/reset/key/:key" element={<PasswordResetPage />} />
      <Route path="/disclosure" element={<PublicDisclosurePage />} />
      <Route
        element={
          <RequireAuth>
            <MeGate>
              <AppShell />
            </MeGate>
          </RequireAuth>
        }
      >
        <Route index element={<HomePage />} />
        <Route path="/profile" element={<ProfilePage />} />
        <Route path="/notifications" element={<NotificationsPage />} />
        <Route path="/manage/rules" element={<RulesPage />} />
        <Route path="/foundation/projects" element={<ProjectsPage />} />
        <Route path="/foundation/projects/:id" element={<ProjectDetailPage />} />
        <Route path="/foundation/matches" element={<FundMatchesPage />} />
        <Route path="/foundation/monitoring" element={<MonitoringPage />} />
        <Route path="/org/projects" element={<MyProjectsPage />} />
        <Route path="/org/organisations" element={<OrganisationsPage />} />
        <Route path="/org/projects/new" element={<ApplicationFormPage />} />
        <Route path="/org/projects/:id" element={<ApplicantProjectPage />} />
        <Route path="/org/projects/:id/edit" element={<ApplicationFormPage />} />
        <Route path="/workstation/households" element={<HouseholdsPage />} />
        <Route path="/workstation/households/new" element={<HouseholdRegisterPage />} />
        <Route path="/workstation/households/:id" element={<HouseholdDetailPage />} />
        <Route path="/workstation/visits/overdue" element={<OverdueVisitsPage />} />
        <Route path="/workstation/visits/dashboard" element={<VisitRateDashboardPage />} />
        <Route path="/visits/mine" element={<MyVisitsPage />} />
        <Route path="/workstation/stock" element={<StockPage />} />
        <Route path="/workstation/donations" element={<OfflineDonationsPage />} />
        <Route path="/needs" element={<OpenNeedsPage />} />
        <Route path="/workstation/matches" element={<MatchConsolePage />} />
        <Route path="/tasks" element={<NearbyTasksPage />} />
        <Route path="/tasks/mine" element={<MyTasksPage />} />
        <Route path="/tasks/new" element={<TaskCreatePage />} />
        <Route path="/tasks/:id/manage" element={<TaskManagePage />} />
        <Route path="/scan" element={<ScanPage />} />
        <Route path="/giving/mine" element={<MyGiftsPage />} />
        <Route path="/giving/give" element={<GivePage />} />
        <Route path="/giving/disclosure" element={<DisclosurePage />} />
        <Route path="/volunteer/timebank" element={<TimeBankPage />} />
        <Route path="/volunteer/timebank/give-redeem" element={<TimeBankActionsPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <I18nProvider>
      <AntApp>
        <SessionProvider>
          <GraphqlProvider>
            <BrowserRouter>
              <AppRoutes />
            </BrowserRouter>
          </GraphqlProvider>
        </SessionProvider>
      </AntApp>
    </I18nProvider>
  );
}
