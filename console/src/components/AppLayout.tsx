import {
  ApartmentOutlined,
  AuditOutlined,
  CalendarOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { App, Avatar, Button, Layout, Menu, Spin, Tag, Tooltip, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { hasAbility, primaryMembership, useAuth, useMe } from '../auth';
import type { Ability } from '../types';
import { LanguageSwitch } from './LanguageSwitch';
import { RoleTag } from './common';

interface NavItem {
  key: string;
  path: string;
  icon: ReactNode;
  label: 'overview' | 'regions' | 'orgs' | 'users' | 'tokens' | 'audit' | 'calendar';
  /** Any one of these abilities shows the item; undefined = every signed-in user. */
  abilities?: Ability[];
}

const NAV: NavItem[] = [
  { key: 'overview', path: '/', icon: <DashboardOutlined />, label: 'overview' },
  {
    key: 'regions',
    path: '/regions',
    icon: <EnvironmentOutlined />,
    label: 'regions',
    abilities: ['region.manage'],
  },
  {
    key: 'orgs',
    path: '/orgs',
    icon: <ApartmentOutlined />,
    label: 'orgs',
    abilities: ['org.manage', 'org.read'],
  },
  {
    key: 'users',
    path: '/users',
    icon: <TeamOutlined />,
    label: 'users',
    abilities: ['user.manage'],
  },
  {
    key: 'tokens',
    path: '/tokens',
    icon: <KeyOutlined />,
    label: 'tokens',
    abilities: ['token.manage'],
  },
  {
    key: 'audit',
    path: '/audit',
    icon: <AuditOutlined />,
    label: 'audit',
    abilities: ['audit.read'],
  },
  { key: 'calendar', path: '/calendar', icon: <CalendarOutlined />, label: 'calendar' },
];

function selectedKey(pathname: string): string {
  const first = pathname.split('/').find((segment) => segment !== '');
  return NAV.find((item) => item.path === `/${first ?? ''}`)?.key ?? 'overview';
}

export function AppLayout() {
  const { t } = useTranslation();
  const { logout } = useAuth();
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  const membership = primaryMembership(me);

  const items: MenuProps['items'] = NAV.filter(
    (item) => !item.abilities || hasAbility(me, ...item.abilities),
  ).map((item) => ({
    key: item.key,
    icon: item.icon,
    label: <span data-testid={`menu-${item.key}`}>{t(`menu.${item.label}`)}</span>,
  }));

  const current = selectedKey(location.pathname);
  useEffect(() => {
    const item = NAV.find((n) => n.key === current);
    document.title = `${item ? t(`menu.${item.label}`) : t('app.console')} · govdx`;
  }, [current, t]);

  const onLogout = async () => {
    setLoggingOut(true);
    await logout();
    setLoggingOut(false);
    message.destroy();
    message.success(t('auth.loggedOut'));
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={216}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        trigger={null}
        data-testid="sider"
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <div className="app-logo">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" />
          {collapsed ? null : (
            <div className="app-logo-text">
              <strong>govdx</strong>
              <span>{t('app.console')}</span>
            </div>
          )}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[current]}
          items={items}
          data-testid="nav-menu"
          style={{ borderInlineEnd: 'none', paddingTop: 8 }}
          onClick={({ key }) => {
            const item = NAV.find((n) => n.key === key);
            if (item) void navigate(item.path);
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="app-header">
          <Button
            type="text"
            aria-label="toggle menu"
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => {
              setCollapsed((c) => !c);
            }}
          />
          <div className="app-header-user">
            <Avatar size="small" style={{ background: '#1f5fbf' }} icon={<UserOutlined />} />
            <Tooltip title={me.user.username}>
              <span className="name" data-testid="header-user">
                {me.user.displayName || me.user.username}
              </span>
            </Tooltip>
            <Typography.Text type="secondary" className="mono" data-testid="header-username">
              {me.user.username}
            </Typography.Text>
            <Tag variant="outlined" data-testid="header-org" style={{ marginInlineEnd: 0 }}>
              {membership ? membership.orgName : t('header.noOrg')}
            </Tag>
            {membership ? (
              <span data-testid="header-role">
                <RoleTag role={membership.role} />
              </span>
            ) : null}
            <LanguageSwitch />
            <Button
              icon={<LogoutOutlined />}
              loading={loggingOut}
              onClick={() => {
                void onLogout();
              }}
              data-testid="logout"
            >
              {t('auth.logout')}
            </Button>
          </div>
        </Layout.Header>
        <Layout.Content className="app-content">
          <Suspense
            fallback={
              <div className="page-loading">
                <Spin />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </Layout.Content>
        <Layout.Footer className="app-footer">{t('app.footer')}</Layout.Footer>
      </Layout>
    </Layout>
  );
}
