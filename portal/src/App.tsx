import { App as AntApp, ConfigProvider } from 'antd';
import type { ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider, createBrowserRouter } from 'react-router-dom';
import { AuthProvider } from './auth';
import { NotFoundResult } from './components/common';
import { PortalLayout } from './components/Layout';
import { HomePage } from './pages/HomePage';

// Pages other than the home page are loaded on first visit.
const SearchPage = lazy(() =>
  import('./pages/SearchPage').then((m) => ({ default: m.SearchPage })),
);
const DatasetPage = lazy(() =>
  import('./pages/dataset/DatasetPage').then((m) => ({ default: m.DatasetPage })),
);
const OrgsPage = lazy(() => import('./pages/OrgsPage').then((m) => ({ default: m.OrgsPage })));
const OrgPage = lazy(() => import('./pages/OrgsPage').then((m) => ({ default: m.OrgPage })));
const ShowcasePage = lazy(() =>
  import('./pages/ShowcasePage').then((m) => ({ default: m.ShowcasePage })),
);
const StatsPage = lazy(() => import('./pages/StatsPage').then((m) => ({ default: m.StatsPage })));
const LoginPage = lazy(() => import('./pages/AuthPages').then((m) => ({ default: m.LoginPage })));
const RegisterPage = lazy(() =>
  import('./pages/AuthPages').then((m) => ({ default: m.RegisterPage })),
);
const MePage = lazy(() => import('./pages/me/MePage').then((m) => ({ default: m.MePage })));

const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fbf',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', headerHeight: 60, headerPadding: '0 24px', bodyBg: '#f5f7fa' },
  },
};

const router = createBrowserRouter([
  {
    path: '/',
    element: <PortalLayout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: 'datasets', element: <SearchPage /> },
      { path: 'datasets/:code', element: <DatasetPage /> },
      { path: 'orgs', element: <OrgsPage /> },
      { path: 'orgs/:code', element: <OrgPage /> },
      { path: 'showcase', element: <ShowcasePage /> },
      { path: 'stats', element: <StatsPage /> },
      { path: 'login', element: <LoginPage /> },
      { path: 'register', element: <RegisterPage /> },
      { path: 'me', element: <MePage /> },
      { path: '*', element: <NotFoundResult /> },
    ],
  },
]);

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
