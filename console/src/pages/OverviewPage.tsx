import {
  ApartmentOutlined,
  AuditOutlined,
  CalendarOutlined,
  EditOutlined,
  EnvironmentOutlined,
  FileSearchOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import {
  Avatar,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api } from '../api';
import { hasAbility, useMe } from '../auth';
import { canCompile, canReview } from '../catalog/roles';
import { RoleTag } from '../components/common';
import { useAsync, useRegions } from '../hooks';
import type { ListResponse, Org, Region, Token, User } from '../types';

interface Counts {
  orgs: number | null;
  users: number | null;
  tokens: number | null;
  regions: number | null;
}

/** Size of a list the user may see; null when not allowed or when the request fails. */
async function countOf(allowed: boolean, load: () => Promise<number>): Promise<number | null> {
  if (!allowed) return null;
  try {
    return await load();
  } catch {
    return null;
  }
}

function isActiveToken(token: Token): boolean {
  if (token.revokedAt) return false;
  return !token.expiresAt || dayjs(token.expiresAt).endOf('day').isAfter(dayjs());
}

export function OverviewPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const regions = useRegions();

  const canOrgs = hasAbility(me, 'org.manage', 'org.read');
  const canUsers = hasAbility(me, 'user.manage');
  const canTokens = hasAbility(me, 'token.manage');
  const canRegions = hasAbility(me, 'region.manage');

  const counts = useAsync<Counts>(
    async (signal) => {
      const [orgs, users, tokens, regions] = await Promise.all([
        countOf(
          canOrgs,
          async () => (await api.get<ListResponse<Org>>('/orgs', { signal })).items.length,
        ),
        countOf(
          canUsers,
          async () => (await api.get<ListResponse<User>>('/users', { signal })).items.length,
        ),
        countOf(
          canTokens,
          async () =>
            (await api.get<ListResponse<Token>>('/tokens', { signal })).items.filter(isActiveToken)
              .length,
        ),
        countOf(
          canRegions,
          async () => (await api.get<ListResponse<Region>>('/regions', { signal })).items.length,
        ),
      ]);
      return { orgs, users, tokens, regions };
    },
    `${me.user.id}:${me.abilities.join(',')}`,
  );

  const stats: {
    key: string;
    title: string;
    value: number | null;
    icon: ReactNode;
    path: string;
  }[] = [];
  if (canOrgs)
    stats.push({
      key: 'orgs',
      title: t('overview.orgCount'),
      value: counts.data?.orgs ?? null,
      icon: <ApartmentOutlined />,
      path: '/orgs',
    });
  if (canUsers)
    stats.push({
      key: 'users',
      title: t('overview.userCount'),
      value: counts.data?.users ?? null,
      icon: <TeamOutlined />,
      path: '/users',
    });
  if (canTokens)
    stats.push({
      key: 'tokens',
      title: t('overview.tokenCount'),
      value: counts.data?.tokens ?? null,
      icon: <KeyOutlined />,
      path: '/tokens',
    });
  if (canRegions)
    stats.push({
      key: 'regions',
      title: t('overview.regionCount'),
      value: counts.data?.regions ?? null,
      icon: <EnvironmentOutlined />,
      path: '/regions',
    });

  const shortcuts: { key: string; label: string; icon: ReactNode; path: string }[] = [
    {
      key: 'catalog-search',
      label: t('menu.catalogSearch'),
      icon: <FileSearchOutlined />,
      path: '/catalog/search',
    },
  ];
  if (canCompile(me))
    shortcuts.push({
      key: 'catalog-mine',
      label: t('menu.catalogMine'),
      icon: <EditOutlined />,
      path: '/catalog/mine',
    });
  if (canReview(me))
    shortcuts.push({
      key: 'catalog-review',
      label: t('menu.catalogReview'),
      icon: <SafetyCertificateOutlined />,
      path: '/catalog/review',
    });
  if (canUsers)
    shortcuts.push({
      key: 'users',
      label: t('menu.users'),
      icon: <TeamOutlined />,
      path: '/users',
    });
  if (canTokens)
    shortcuts.push({
      key: 'tokens',
      label: t('menu.tokens'),
      icon: <KeyOutlined />,
      path: '/tokens',
    });
  if (hasAbility(me, 'audit.read'))
    shortcuts.push({
      key: 'audit',
      label: t('menu.audit'),
      icon: <AuditOutlined />,
      path: '/audit',
    });
  shortcuts.push({
    key: 'calendar',
    label: t('menu.calendar'),
    icon: <CalendarOutlined />,
    path: '/calendar',
  });
  const regionName = new Map((regions.data ?? []).map((r) => [r.code, r.name]));

  const name = me.user.displayName || me.user.username;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card data-testid="welcome-card">
        <div style={{ display: 'flex', gap: 20, alignItems: 'flex-start', flexWrap: 'wrap' }}>
          <Avatar size={56} style={{ background: '#1f5fbf', fontSize: 24, flex: 'none' }}>
            {name.slice(0, 1)}
          </Avatar>
          <div style={{ flex: 1, minWidth: 260 }}>
            <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 4 }}>
              {t('overview.welcome', { name })}
            </Typography.Title>
            <Typography.Text type="secondary">
              {t('overview.subtitle', { date: dayjs().format('YYYY-MM-DD dddd') })}
            </Typography.Text>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2, xl: 3 }}
              style={{ marginTop: 16 }}
              items={me.memberships.flatMap((m, i) => [
                {
                  key: `org-${String(i)}`,
                  label: t('overview.myOrg'),
                  children: (
                    <span>
                      {m.orgName} <Typography.Text type="secondary">({m.orgCode})</Typography.Text>
                    </span>
                  ),
                },
                {
                  key: `role-${String(i)}`,
                  label: t('overview.myRole'),
                  children: <RoleTag role={m.role} />,
                },
                {
                  key: `region-${String(i)}`,
                  label: t('overview.myRegion'),
                  children: (
                    <span>
                      {regionName.get(m.regionCode) ?? ''}{' '}
                      <Typography.Text type="secondary">({m.regionCode})</Typography.Text>
                    </span>
                  ),
                },
              ])}
            />
          </div>
        </div>
      </Card>

      {stats.length > 0 ? (
        <Row gutter={[16, 16]}>
          {stats.map((s) => (
            <Col key={s.key} xs={24} sm={12} xl={6}>
              <Card
                hoverable
                loading={counts.loading}
                onClick={() => {
                  void navigate(s.path);
                }}
                data-testid={`stat-${s.key}`}
              >
                <Statistic
                  title={s.title}
                  value={s.value ?? '—'}
                  prefix={<span style={{ color: '#1f5fbf', marginInlineEnd: 4 }}>{s.icon}</span>}
                />
              </Card>
            </Col>
          ))}
        </Row>
      ) : null}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('overview.myAbilities')} style={{ height: '100%' }}>
            {me.abilities.length > 0 ? (
              <Space size={[8, 8]} wrap>
                {me.abilities.map((a) => (
                  <Tag key={a} color="blue">
                    {t(`abilities.${a}`, { defaultValue: a })}
                  </Tag>
                ))}
              </Space>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('overview.noAbilities')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('overview.quickLinks')} style={{ height: '100%' }}>
            <Row gutter={[12, 12]}>
              {shortcuts.map((s) => (
                <Col key={s.key} xs={12} sm={8} lg={12} xxl={8}>
                  <button
                    type="button"
                    className="shortcut"
                    onClick={() => {
                      void navigate(s.path);
                    }}
                    data-testid={`shortcut-${s.key}`}
                  >
                    <span className="shortcut-icon">{s.icon}</span>
                    <span>{s.label}</span>
                  </button>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
