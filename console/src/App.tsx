import { App as AntApp, ConfigProvider, Spin } from 'antd';
import type { ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, RouterProvider, createBrowserRouter, useLocation } from 'react-router-dom';
import { AuthProvider, hasAbility, useAuth } from './auth';
import { ForbiddenResult, NotFoundResult } from './components/common';
import { AppLayout } from './components/AppLayout';
import type { Ability, Me } from './types';
import { canHandleOpen, canSeeOpenStats, isOpenAuthority } from './pages/open/open';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';

// Pages other than login and overview are loaded on first visit.
const RegionsPage = lazy(() =>
  import('./pages/RegionsPage').then((m) => ({ default: m.RegionsPage })),
);
const OrgsPage = lazy(() => import('./pages/OrgsPage').then((m) => ({ default: m.OrgsPage })));
const UsersPage = lazy(() => import('./pages/UsersPage').then((m) => ({ default: m.UsersPage })));
const TokensPage = lazy(() =>
  import('./pages/TokensPage').then((m) => ({ default: m.TokensPage })),
);
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const CalendarPage = lazy(() =>
  import('./pages/CalendarPage').then((m) => ({ default: m.CalendarPage })),
);
const CatalogSearchPage = lazy(() =>
  import('./pages/catalog/CatalogSearchPage').then((m) => ({ default: m.CatalogSearchPage })),
);
const ResourceDetailPage = lazy(() =>
  import('./pages/catalog/ResourceDetailPage').then((m) => ({ default: m.ResourceDetailPage })),
);
const MyResourcesPage = lazy(() =>
  import('./pages/catalog/MyResourcesPage').then((m) => ({ default: m.MyResourcesPage })),
);
const ResourceEditorPage = lazy(() =>
  import('./pages/catalog/ResourceEditorPage').then((m) => ({ default: m.ResourceEditorPage })),
);
const ReviewQueuePage = lazy(() =>
  import('./pages/catalog/ReviewQueuePage').then((m) => ({ default: m.ReviewQueuePage })),
);
const ReviewPage = lazy(() =>
  import('./pages/catalog/ReviewPage').then((m) => ({ default: m.ReviewPage })),
);
const TriggersPage = lazy(() =>
  import('./pages/catalog/TriggersPage').then((m) => ({ default: m.TriggersPage })),
);
const ExchangePage = lazy(() =>
  import('./pages/catalog/ExchangePage').then((m) => ({ default: m.ExchangePage })),
);
const ThemesPage = lazy(() =>
  import('./pages/catalog/ThemesPage').then((m) => ({ default: m.ThemesPage })),
);
const PrecheckPage = lazy(() =>
  import('./pages/aggregation/PrecheckPage').then((m) => ({ default: m.PrecheckPage })),
);
const UploadPage = lazy(() =>
  import('./pages/aggregation/UploadPage').then((m) => ({ default: m.UploadPage })),
);
const BatchesPage = lazy(() =>
  import('./pages/aggregation/BatchesPage').then((m) => ({ default: m.BatchesPage })),
);
const QualityPage = lazy(() =>
  import('./pages/aggregation/QualityPage').then((m) => ({ default: m.QualityPage })),
);
const OverduePage = lazy(() =>
  import('./pages/aggregation/OverduePage').then((m) => ({ default: m.OverduePage })),
);
const ProblemsPage = lazy(() =>
  import('./pages/aggregation/ProblemsPage').then((m) => ({ default: m.ProblemsPage })),
);

const SharingCatalogPage = lazy(() =>
  import('./pages/sharing/SharingCatalogPage').then((m) => ({ default: m.SharingCatalogPage })),
);
const RequestsPage = lazy(() =>
  import('./pages/sharing/RequestsPage').then((m) => ({ default: m.RequestsPage })),
);
const GrantsPage = lazy(() =>
  import('./pages/sharing/GrantsPage').then((m) => ({ default: m.GrantsPage })),
);
const DisputesPage = lazy(() =>
  import('./pages/sharing/DisputesPage').then((m) => ({ default: m.DisputesPage })),
);
const ScenariosPage = lazy(() =>
  import('./pages/sharing/ScenariosPage').then((m) => ({ default: m.ScenariosPage })),
);
const EmergenciesPage = lazy(() =>
  import('./pages/sharing/EmergenciesPage').then((m) => ({ default: m.EmergenciesPage })),
);
const SupervisionPage = lazy(() =>
  import('./pages/sharing/SupervisionPage').then((m) => ({ default: m.SupervisionPage })),
);
const OpenApplicationsPage = lazy(() =>
  import('./pages/open/ApplicationsPage').then((m) => ({ default: m.ApplicationsPage })),
);
const OpenAgreementsPage = lazy(() =>
  import('./pages/open/AgreementsPage').then((m) => ({ default: m.AgreementsPage })),
);
const OpenRequestsPage = lazy(() =>
  import('./pages/open/DataRequestsPage').then((m) => ({ default: m.DataRequestsPage })),
);
const OpenShowcasePage = lazy(() =>
  import('./pages/open/ShowcasePage').then((m) => ({ default: m.ShowcasePage })),
);
const OpenAccountsPage = lazy(() =>
  import('./pages/open/AccountsPage').then((m) => ({ default: m.AccountsPage })),
);
const OpenStatsPage = lazy(() =>
  import('./pages/open/StatsPage').then((m) => ({ default: m.StatsPage })),
);
const LedgerPage = lazy(() =>
  import('./pages/ledger/LedgerPage').then((m) => ({ default: m.LedgerPage })),
);

const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fbf',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', siderBg: '#0f1f3d', headerHeight: 56, headerPadding: '0 24px' },
    Menu: { darkItemBg: '#0f1f3d', darkSubMenuItemBg: '#0b172e', darkItemSelectedBg: '#1f5fbf' },
  },
};

function FullPageSpin() {
  return (
    <div className="full-page-center" data-testid="app-loading">
      <Spin size="large" />
    </div>
  );
}

function RequireAuth() {
  const { status, expired } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <FullPageSpin />;
  if (status === 'anonymous') {
    // Come back to the same page after an expired session; an explicit logout starts afresh.
    const from = expired ? `${location.pathname}${location.search}` : undefined;
    return <Navigate to="/login" replace state={from ? { from } : null} />;
  }
  return <AppLayout />;
}

function RequireAbility({ any, children }: { any: Ability[]; children: ReactNode }) {
  const { me } = useAuth();
  return hasAbility(me, ...any) ? children : <ForbiddenResult />;
}

/**
 * Pages offered by role (as the menu offers them; 数据使用协议 is also readable by the departments
 * that decide applications, from the application's agreement version). The server decides anyway.
 */
function RequireRole({ when, children }: { when: (me: Me) => boolean; children: ReactNode }) {
  const { me } = useAuth();
  return me && when(me) ? children : <ForbiddenResult />;
}

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = state.from;
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login')) return from;
  }
  return '/';
}

function LoginRoute() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <FullPageSpin />;
  if (status === 'authenticated') return <Navigate to={redirectTarget(location.state)} replace />;
  return <LoginPage />;
}

const router = createBrowserRouter(
  [
    { path: '/login', element: <LoginRoute /> },
    {
      path: '/',
      element: <RequireAuth />,
      children: [
        { index: true, element: <OverviewPage /> },
        {
          path: 'regions',
          element: (
            <RequireAbility any={['region.manage']}>
              <RegionsPage />
            </RequireAbility>
          ),
        },
        {
          path: 'orgs',
          element: (
            <RequireAbility any={['org.manage', 'org.read']}>
              <OrgsPage />
            </RequireAbility>
          ),
        },
        {
          path: 'users',
          element: (
            <RequireAbility any={['user.manage']}>
              <UsersPage />
            </RequireAbility>
          ),
        },
        {
          path: 'tokens',
          element: (
            <RequireAbility any={['token.manage']}>
              <TokensPage />
            </RequireAbility>
          ),
        },
        {
          path: 'audit',
          element: (
            <RequireAbility any={['audit.read']}>
              <AuditPage />
            </RequireAbility>
          ),
        },
        { path: 'calendar', element: <CalendarPage /> },
        { path: 'catalog', element: <Navigate to="/catalog/search" replace /> },
        { path: 'catalog/search', element: <CatalogSearchPage /> },
        { path: 'catalog/resources/:code', element: <ResourceDetailPage /> },
        { path: 'catalog/mine', element: <MyResourcesPage /> },
        { path: 'catalog/mine/new', element: <ResourceEditorPage /> },
        { path: 'catalog/mine/:code/edit', element: <ResourceEditorPage /> },
        { path: 'catalog/review', element: <ReviewQueuePage /> },
        { path: 'catalog/review/:code', element: <ReviewPage /> },
        { path: 'catalog/triggers', element: <TriggersPage /> },
        { path: 'catalog/exchange', element: <ExchangePage /> },
        { path: 'catalog/themes', element: <ThemesPage /> },
        { path: 'aggregation', element: <Navigate to="/aggregation/precheck" replace /> },
        { path: 'aggregation/upload', element: <UploadPage /> },
        { path: 'aggregation/batches', element: <BatchesPage /> },
        { path: 'aggregation/precheck', element: <PrecheckPage /> },
        { path: 'aggregation/quality', element: <QualityPage /> },
        { path: 'aggregation/overdue', element: <OverduePage /> },
        { path: 'aggregation/problems', element: <ProblemsPage /> },
        { path: 'sharing', element: <Navigate to="/sharing/catalog" replace /> },
        { path: 'sharing/catalog', element: <SharingCatalogPage /> },
        { path: 'sharing/requests', element: <RequestsPage /> },
        { path: 'sharing/grants', element: <GrantsPage /> },
        { path: 'sharing/disputes', element: <DisputesPage /> },
        { path: 'sharing/scenarios', element: <ScenariosPage /> },
        { path: 'sharing/emergencies', element: <EmergenciesPage /> },
        { path: 'sharing/supervision', element: <SupervisionPage /> },
        { path: 'open', element: <Navigate to="/open/applications" replace /> },
        {
          path: 'open/applications',
          element: (
            <RequireRole when={canHandleOpen}>
              <OpenApplicationsPage />
            </RequireRole>
          ),
        },
        {
          path: 'open/agreements',
          element: (
            <RequireRole when={canHandleOpen}>
              <OpenAgreementsPage />
            </RequireRole>
          ),
        },
        {
          path: 'open/requests',
          element: (
            <RequireRole when={canHandleOpen}>
              <OpenRequestsPage />
            </RequireRole>
          ),
        },
        {
          path: 'open/showcase',
          element: (
            <RequireRole when={isOpenAuthority}>
              <OpenShowcasePage />
            </RequireRole>
          ),
        },
        {
          path: 'open/accounts',
          element: (
            <RequireRole when={isOpenAuthority}>
              <OpenAccountsPage />
            </RequireRole>
          ),
        },
        {
          path: 'open/feedback',
          element: (
            <RequireRole when={canHandleOpen}>
              <ProblemsPage reporterKind="public" />
            </RequireRole>
          ),
        },
        {
          path: 'open/stats',
          element: (
            <RequireRole when={canSeeOpenStats}>
              <OpenStatsPage />
            </RequireRole>
          ),
        },
        { path: 'ledger', element: <LedgerPage /> },
        { path: '*', element: <NotFoundResult /> },
      ],
    },
  ],
  { basename: '/console' },
);

export function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={theme}>
      <AntApp>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}
