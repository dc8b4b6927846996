import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Layout, Menu, Segmented, Space } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, ScrollRestoration, useLocation, useNavigate } from 'react-router-dom';
import { loginPath, useAuth } from '../auth';
import { changeLanguage, currentLanguage } from '../i18n';
import type { Language } from '../i18n';
import { PageLoading } from './common';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const value: Language = i18n.language === 'en' ? 'en' : currentLanguage();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      value={value}
      options={[
        { label: t('lang.zh'), value: 'zh-CN' },
        { label: t('lang.en'), value: 'en' },
      ]}
      onChange={(lang) => {
        void changeLanguage(lang);
      }}
    />
  );
}

const NAV = [
  { key: '/', path: '/' },
  { key: '/datasets', path: '/datasets' },
  { key: '/orgs', path: '/orgs' },
  { key: '/showcase', path: '/showcase' },
  { key: '/stats', path: '/stats' },
] as const;

function selectedNav(pathname: string): string[] {
  if (pathname === '/') return ['/'];
  const hit = NAV.find((n) => n.key !== '/' && pathname.startsWith(n.key));
  return hit ? [hit.key] : [];
}

function AccountArea() {
  const { t } = useTranslation();
  const { status, account, logout } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();

  if (status === 'loading') return null;
  if (!account) {
    const here = `${location.pathname}${location.search}`;
    const onAuthPage = location.pathname === '/login' || location.pathname === '/register';
    return (
      <Space size={8}>
        <Link to={onAuthPage ? '/login' : loginPath(here)} data-testid="nav-login">
          <Button type="primary" size="small">
            {t('nav.login')}
          </Button>
        </Link>
        <Link to="/register" data-testid="nav-register">
          <Button size="small">{t('nav.register')}</Button>
        </Link>
      </Space>
    );
  }
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'me', icon: <UserOutlined />, label: t('nav.me') },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout') },
        ],
        onClick: ({ key }) => {
          if (key === 'me') {
            void navigate('/me');
            return;
          }
          void logout().then(
            () => {
              message.success(t('nav.loggedOut'));
              void navigate('/');
            },
            () => {
              void navigate('/');
            },
          );
        },
      }}
    >
      <Button type="text" data-testid="account-menu">
        <Space size={6}>
          <UserOutlined />
          <span className="account-name">{account.displayName || account.username}</span>
          <DownOutlined style={{ fontSize: 10 }} />
        </Space>
      </Button>
    </Dropdown>
  );
}

export function PortalLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const labels: Record<(typeof NAV)[number]['key'], string> = {
    '/': t('nav.home'),
    '/datasets': t('nav.datasets'),
    '/orgs': t('nav.orgs'),
    '/showcase': t('nav.showcase'),
    '/stats': t('nav.stats'),
  };
  return (
    <Layout className="portal-layout">
      <ScrollRestoration />
      <Layout.Header className="portal-header">
        <div className="portal-header-inner">
          <Link to="/" className="portal-logo" data-testid="portal-logo">
            <img src="/favicon.svg" alt="" />
            <span>{t('app.name')}</span>
          </Link>
          <Menu
            mode="horizontal"
            className="portal-nav"
            selectedKeys={selectedNav(location.pathname)}
            items={NAV.map((n) => ({
              key: n.key,
              label: (
                <Link to={n.path} data-testid={`nav-${n.key === '/' ? 'home' : n.key.slice(1)}`}>
                  {labels[n.key]}
                </Link>
              ),
            }))}
          />
          <Space size={12} className="portal-header-right">
            <LanguageSwitch />
            <AccountArea />
          </Space>
        </div>
      </Layout.Header>
      <Layout.Content className="portal-content">
        <div className="portal-container">
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </div>
      </Layout.Content>
      <Layout.Footer className="portal-footer">
        <div className="portal-container portal-footer-inner">
          <Space wrap size={[20, 8]} className="portal-footer-links">
            <a href="/api/docs" data-testid="footer-api-docs">
              {t('footer.apiDocs')}
            </a>
            <a href="/catalog.jsonld" data-testid="footer-dcat">
              {t('footer.dcat')}
            </a>
            <a href="/api/3/action/package_list" data-testid="footer-ckan">
              {t('footer.ckan')}
            </a>
            <a href="/console/" data-testid="footer-console">
              {t('footer.console')}
            </a>
          </Space>
          <div className="portal-footer-note">{t('footer.note')}</div>
        </div>
      </Layout.Footer>
    </Layout>
  );
}
