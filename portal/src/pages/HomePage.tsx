import {
  ApiOutlined,
  CarOutlined,
  CloudOutlined,
  CloudDownloadOutlined,
  DatabaseOutlined,
  EnvironmentOutlined,
  InsuranceOutlined,
  MedicineBoxOutlined,
  ReadOutlined,
  SafetyCertificateOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Card, Col, Input, Row, Statistic } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useAsync } from '../../../console/src/hooks';
import { api } from '../api';
import { LoadError, PageLoading, formatNumber, useLabel, useTitle } from '../components/common';
import { DatasetShortList } from '../components/DatasetList';
import { formatDate } from '../../../console/src/format';
import type { HomeData } from '../types';

/** R5.2's livelihood and high-value domains, in the regulation's order. */
export const PRIORITY_DOMAINS = [
  'credit',
  'transport',
  'health',
  'employment',
  'social_security',
  'education',
  'environment',
  'weather',
  'company_registration',
] as const;

const DOMAIN_ICONS: Record<(typeof PRIORITY_DOMAINS)[number], ReactNode> = {
  credit: <SafetyCertificateOutlined />,
  transport: <CarOutlined />,
  health: <MedicineBoxOutlined />,
  employment: <SolutionOutlined />,
  social_security: <InsuranceOutlined />,
  education: <ReadOutlined />,
  environment: <EnvironmentOutlined />,
  weather: <CloudOutlined />,
  company_registration: <ShopOutlined />,
};

export function HomePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const label = useLabel();
  useTitle(null);
  const home = useAsync((signal) => api.get<HomeData>('/open/home', { signal }), 'home');

  const counts = new Map((home.data?.domains ?? []).map((d) => [d.domain, d.count]));
  const totals = home.data?.totals;

  return (
    <div className="home-page">
      <section className="home-hero">
        <h1>{t('home.heroTitle')}</h1>
        <p>{t('home.heroSubtitle')}</p>
        <Input.Search
          size="large"
          enterButton={t('home.search')}
          placeholder={t('home.searchPlaceholder')}
          allowClear
          className="home-search"
          data-testid="home-search"
          aria-label={t('home.searchPlaceholder')}
          onSearch={(value) => {
            const q = value.trim();
            void navigate(q ? `/datasets?q=${encodeURIComponent(q)}` : '/datasets');
          }}
        />
      </section>

      {home.error ? (
        <LoadError error={home.error} onRetry={home.reload} />
      ) : home.loading && !home.data ? (
        <PageLoading />
      ) : (
        <>
          <Row gutter={[16, 16]} className="home-stats">
            {(
              [
                ['datasets', <DatabaseOutlined key="i" />],
                ['providers', <TeamOutlined key="i" />],
                ['downloads', <CloudDownloadOutlined key="i" />],
                ['apiCalls', <ApiOutlined key="i" />],
              ] as const
            ).map(([key, icon]) => (
              <Col xs={12} md={6} key={key}>
                <Card data-testid={`stat-${key}`}>
                  <Statistic
                    title={t(`home.totals.${key}`)}
                    value={totals?.[key] ?? 0}
                    prefix={icon}
                    formatter={(v) => formatNumber(Number(v))}
                  />
                </Card>
              </Col>
            ))}
          </Row>

          <h2 className="section-title">{t('home.domainsTitle')}</h2>
          <div className="domain-grid">
            {PRIORITY_DOMAINS.map((d) => (
              <Link
                key={d}
                to={`/datasets?domain=${d}`}
                className="domain-tile"
                data-testid={`domain-${d}`}
              >
                <span className="domain-icon">{DOMAIN_ICONS[d]}</span>
                <span className="domain-name">{label('domain', d)}</span>
                <span className="domain-count">
                  {t('home.domainCount', { count: counts.get(d) ?? 0 })}
                </span>
              </Link>
            ))}
          </div>

          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card
                title={t('home.newest')}
                extra={<Link to="/datasets?sort=newest">{t('home.more')}</Link>}
              >
                <DatasetShortList
                  testId="home-newest"
                  items={home.data?.newest ?? []}
                  extra={(d) => t('home.publishedOn', { date: formatDate(d.publishedAt) })}
                />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('home.popular')} extra={<Link to="/stats">{t('home.more')}</Link>}>
                <DatasetShortList
                  testId="home-popular"
                  items={home.data?.popular ?? []}
                  extra={(d) =>
                    t('home.usage', {
                      downloads: formatNumber(d.downloads),
                      apiCalls: formatNumber(d.apiCalls),
                    })
                  }
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </div>
  );
}
