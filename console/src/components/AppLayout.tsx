import {
  AppstoreAddOutlined,
  AppstoreOutlined,
  BarChartOutlined,
  FileProtectOutlined,
  FormOutlined,
  GlobalOutlined,
  IdcardOutlined,
  MessageOutlined,
  QuestionCircleOutlined,
  ClusterOutlined,
  CommentOutlined,
  InboxOutlined,
  LineChartOutlined,
  SafetyOutlined,
  ShareAltOutlined,
  ThunderboltOutlined,
  ApartmentOutlined,
  AlertOutlined,
  AuditOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  CloudServerOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  EditOutlined,
  EnvironmentOutlined,
  FileDoneOutlined,
  FieldTimeOutlined,
  FundOutlined,
  IssuesCloseOutlined,
  FileSearchOutlined,
  FileSyncOutlined,
  HistoryOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
  VerifiedOutlined,
} from '@ant-design/icons';
import { App, Avatar, Button, Layout, Menu, Spin, Tag, Tooltip, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { hasAbility, primaryMembership, useAuth, useMe } from '../auth';
import { canCompile, canManageThemes, canReview, canSeeTriggers } from '../catalog/roles';
import { canSearchLedger } from '../pages/ledger/ledgerApi';
import { canHandleOpen, canSeeOpenStats, isOpenAuthority } from '../pages/open/open';
import type { Ability, Me } from '../types';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';
import { RoleTag } from './common';

type MenuLabel =
  | 'overview'
  | 'regions'
  | 'orgs'
  | 'users'
  | 'tokens'
  | 'audit'
  | 'calendar'
  | 'catalogSearch'
  | 'catalogMine'
  | 'catalogReview'
  | 'catalogTriggers'
  | 'catalogExchange'
  | 'catalogThemes'
  | 'aggregationUpload'
  | 'aggregationBatches'
  | 'aggregationPrecheck'
  | 'aggregationQuality'
  | 'aggregationOverdue'
  | 'aggregationProblems'
  | 'sharingCatalog'
  | 'sharingRequests'
  | 'sharingGrants'
  | 'sharingDisputes'
  | 'sharingScenarios'
  | 'sharingEmergencies'
  | 'sharingSupervision'
  | 'openApplications'
  | 'openAgreements'
  | 'openRequests'
  | 'openShowcase'
  | 'openAccounts'
  | 'openFeedback'
  | 'openStats'
  | 'ledger';

interface NavItem {
  key: string;
  path: string;
  icon: ReactNode;
  label: MenuLabel;
  /** Any one of these abilities shows the item; undefined = every signed-in user. */
  abilities?: Ability[];
  /** Shown only when this holds (catalog items are offered by role). */
  visible?: (me: Me) => boolean;
  /** The menu group (submenu) the item belongs to. */
  group?: MenuGroup;
}

type MenuGroup = 'catalog' | 'aggregation' | 'sharing' | 'open';

/** The submenus, in menu order after 首页. */
const GROUPS: { key: MenuGroup; icon: ReactNode }[] = [
  { key: 'catalog', icon: <DatabaseOutlined /> },
  { key: 'aggregation', icon: <CloudUploadOutlined /> },
  { key: 'sharing', icon: <ShareAltOutlined /> },
  { key: 'open', icon: <GlobalOutlined /> },
];

const hasMembership = (me: Me) => me.memberships.length > 0;
const isAuthorityStaff = (me: Me) =>
  me.memberships.some((m) => m.orgKind === 'authority' || m.role === 'auditor');

const NAV: NavItem[] = [
  { key: 'overview', path: '/', icon: <DashboardOutlined />, label: 'overview' },
  {
    key: 'catalog-search',
    path: '/catalog/search',
    icon: <FileSearchOutlined />,
    label: 'catalogSearch',
    group: 'catalog',
  },
  {
    key: 'catalog-mine',
    path: '/catalog/mine',
    icon: <EditOutlined />,
    label: 'catalogMine',
    group: 'catalog',
    visible: (me) => canCompile(me),
  },
  {
    key: 'catalog-review',
    path: '/catalog/review',
    icon: <SafetyCertificateOutlined />,
    label: 'catalogReview',
    group: 'catalog',
    visible: canReview,
  },
  {
    key: 'catalog-triggers',
    path: '/catalog/triggers',
    icon: <AlertOutlined />,
    label: 'catalogTriggers',
    group: 'catalog',
    visible: canSeeTriggers,
  },
  {
    key: 'catalog-exchange',
    path: '/catalog/exchange',
    icon: <FileSyncOutlined />,
    label: 'catalogExchange',
    group: 'catalog',
  },
  {
    key: 'catalog-themes',
    path: '/catalog/themes',
    icon: <TagsOutlined />,
    label: 'catalogThemes',
    group: 'catalog',
    visible: canManageThemes,
  },
  {
    key: 'aggregation-upload',
    path: '/aggregation/upload',
    icon: <CloudServerOutlined />,
    label: 'aggregationUpload',
    group: 'aggregation',
    visible: (me) =>
      me.memberships.some((m) => m.role === 'dept_admin' || m.role === 'dept_operator'),
  },
  {
    key: 'aggregation-batches',
    path: '/aggregation/batches',
    icon: <HistoryOutlined />,
    label: 'aggregationBatches',
    group: 'aggregation',
    visible: (me) => me.memberships.length > 0,
  },
  {
    key: 'aggregation-precheck',
    path: '/aggregation/precheck',
    icon: <FileDoneOutlined />,
    label: 'aggregationPrecheck',
    group: 'aggregation',
  },
  {
    key: 'aggregation-quality',
    path: '/aggregation/quality',
    icon: <FundOutlined />,
    label: 'aggregationQuality',
    group: 'aggregation',
    visible: (me) => me.memberships.length > 0,
  },
  {
    key: 'aggregation-overdue',
    path: '/aggregation/overdue',
    icon: <FieldTimeOutlined />,
    label: 'aggregationOverdue',
    group: 'aggregation',
    visible: (me) => me.memberships.length > 0,
  },
  {
    key: 'aggregation-problems',
    path: '/aggregation/problems',
    icon: <IssuesCloseOutlined />,
    label: 'aggregationProblems',
    group: 'aggregation',
    visible: (me) => me.memberships.length > 0,
  },
  {
    key: 'sharing-catalog',
    path: '/sharing/catalog',
    icon: <AppstoreOutlined />,
    label: 'sharingCatalog',
    group: 'sharing',
    visible: hasMembership,
  },
  {
    key: 'sharing-requests',
    path: '/sharing/requests',
    icon: <InboxOutlined />,
    label: 'sharingRequests',
    group: 'sharing',
    visible: hasMembership,
  },
  {
    key: 'sharing-grants',
    path: '/sharing/grants',
    icon: <SafetyOutlined />,
    label: 'sharingGrants',
    group: 'sharing',
    visible: hasMembership,
  },
  {
    key: 'sharing-disputes',
    path: '/sharing/disputes',
    icon: <CommentOutlined />,
    label: 'sharingDisputes',
    group: 'sharing',
    visible: hasMembership,
  },
  {
    key: 'sharing-scenarios',
    path: '/sharing/scenarios',
    icon: <ClusterOutlined />,
    label: 'sharingScenarios',
    group: 'sharing',
    visible: hasMembership,
  },
  {
    key: 'sharing-emergencies',
    path: '/sharing/emergencies',
    icon: <ThunderboltOutlined />,
    label: 'sharingEmergencies',
    group: 'sharing',
    visible: hasMembership,
  },
  {
    key: 'sharing-supervision',
    path: '/sharing/supervision',
    icon: <LineChartOutlined />,
    label: 'sharingSupervision',
    group: 'sharing',
    visible: isAuthorityStaff,
  },
  {
    key: 'open-applications',
    path: '/open/applications',
    icon: <FormOutlined />,
    label: 'openApplications',
    group: 'open',
    visible: canHandleOpen,
  },
  {
    key: 'open-agreements',
    path: '/open/agreements',
    icon: <FileProtectOutlined />,
    label: 'openAgreements',
    group: 'open',
    visible: isOpenAuthority,
  },
  {
    key: 'open-requests',
    path: '/open/requests',
    icon: <QuestionCircleOutlined />,
    label: 'openRequests',
    group: 'open',
    visible: canHandleOpen,
  },
  {
    key: 'open-showcase',
    path: '/open/showcase',
    icon: <AppstoreAddOutlined />,
    label: 'openShowcase',
    group: 'open',
    visible: isOpenAuthority,
  },
  {
    key: 'open-accounts',
    path: '/open/accounts',
    icon: <IdcardOutlined />,
    label: 'openAccounts',
    group: 'open',
    visible: isOpenAuthority,
  },
  {
    key: 'open-feedback',
    path: '/open/feedback',
    icon: <MessageOutlined />,
    label: 'openFeedback',
    group: 'open',
    visible: canHandleOpen,
  },
  {
    key: 'open-stats',
    path: '/open/stats',
    icon: <BarChartOutlined />,
    label: 'openStats',
    group: 'open',
    visible: canSeeOpenStats,
  },
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
  {
    key: 'ledger',
    path: '/ledger',
    icon: <VerifiedOutlined />,
    label: 'ledger',
    visible: canSearchLedger,
  },
  { key: 'calendar', path: '/calendar', icon: <CalendarOutlined />, label: 'calendar' },
];

/** Paths under an item that are not its own prefix (an entry's page belongs to 目录检索). */
const ALIASES: [string, string][] = [['/catalog/resources', 'catalog-search']];

function selectedKey(pathname: string): string {
  const path = pathname.replace(/\/+$/, '') || '/';
  for (const [prefix, key] of ALIASES) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return key;
  }
  let best: NavItem | undefined;
  for (const item of NAV) {
    if (item.path === '/') continue;
    if (
      (path === item.path || path.startsWith(`${item.path}/`)) &&
      (!best || item.path.length > best.path.length)
    ) {
      best = item;
    }
  }
  return best?.key ?? 'overview';
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

  const shown = NAV.filter(
    (item) =>
      (!item.abilities || hasAbility(me, ...item.abilities)) && (!item.visible || item.visible(me)),
  );
  const entry = (item: NavItem) => ({
    key: item.key,
    icon: item.icon,
    label: <span data-testid={`menu-${item.key}`}>{t(`menu.${item.label}`)}</span>,
  });
  const items: MenuProps['items'] = [];
  for (const item of shown) {
    if (item.group) continue;
    items.push(entry(item));
    if (item.key !== 'overview') continue;
    // The groups (数据目录, 数据归集) follow 首页.
    for (const group of GROUPS) {
      const children = shown.filter((n) => n.group === group.key).map(entry);
      if (children.length === 0) continue;
      items.push({
        key: group.key,
        icon: group.icon,
        label: <span data-testid={`menu-${group.key}`}>{t(`menu.${group.key}`)}</span>,
        children,
      });
    }
  }

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
          defaultOpenKeys={GROUPS.map((g) => g.key)}
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
            {me.memberships.length > 0 ? <NotificationBell /> : null}
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
