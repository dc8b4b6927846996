import { ApartmentOutlined, ClockCircleOutlined, DatabaseOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Input,
  Pagination,
  Row,
  Segmented,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import {
  ClassificationTag,
  OpenClassTag,
  ShareClassTag,
  enumLabel,
  useShareClassName,
} from '../../catalog/labels';
import { FACETS } from '../../catalog/model';
import type { Facet, FacetCount, SearchHit, SearchResult, SearchSort } from '../../catalog/model';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { formatDate } from '../../format';
import { useAsync } from '../../hooks';

const PAGE_SIZES = [10, 20, 50];
const FACET_PREVIEW = 8;
const SORTS: SearchSort[] = ['relevance', 'newest', 'name'];

/** Wraps the query and its tokens in <mark> (case-insensitive), longest first. */
function highlight(text: string, tokens: string[]): ReactNode {
  const words = [...new Set(tokens.filter((w) => w.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (words.length === 0) return text;
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = text.split(new RegExp(`(${escaped.join('|')})`, 'gi'));
  return parts.map((part, i) =>
    i % 2 === 1 ? <mark key={i}>{part}</mark> : <span key={i}>{part}</span>,
  );
}

function FacetBlock({
  facet,
  values,
  selected,
  label,
  onToggle,
}: {
  facet: Facet;
  values: FacetCount[];
  selected: string | null;
  label: (value: FacetCount) => string;
  onToggle: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? values : values.slice(0, FACET_PREVIEW);
  // A selected value stays visible even when it is beyond the preview.
  const hidden = !expanded && selected && !shown.some((v) => v.value === selected);
  const extra = hidden ? values.filter((v) => v.value === selected) : [];
  return (
    <div className="facet" data-testid={`facet-${facet}`}>
      <div className="facet-title">{t(`catalogSearch.facets.${facet}`)}</div>
      {values.length === 0 ? (
        <Typography.Text type="secondary">—</Typography.Text>
      ) : (
        [...shown, ...extra].map((v) => (
          <label key={v.value} className="facet-row" data-testid={`facet-${facet}-${v.value}`}>
            <Checkbox
              checked={selected === v.value}
              onChange={() => {
                onToggle(v.value);
              }}
            />
            <span className="facet-label" title={label(v)}>
              {label(v)}
            </span>
            <span className="facet-count">{v.count}</span>
          </label>
        ))
      )}
      {values.length > FACET_PREVIEW ? (
        <Button
          type="link"
          size="small"
          style={{ paddingInline: 0 }}
          onClick={() => {
            setExpanded((e) => !e);
          }}
        >
          {expanded
            ? t('catalogSearch.showLess')
            : t('catalogSearch.showMore', { count: values.length - FACET_PREVIEW })}
        </Button>
      ) : null}
    </div>
  );
}

function HitCard({ hit, tokens }: { hit: SearchHit; tokens: string[] }) {
  const { t } = useTranslation();
  return (
    <div className="result-card" data-testid="search-hit" data-code={hit.code}>
      <div className="result-head">
        <Link
          to={`/catalog/resources/${encodeURIComponent(hit.code)}?version=${String(hit.version)}`}
          className="result-title"
          data-testid={`search-hit-link-${hit.code}`}
        >
          {highlight(hit.name, tokens)}
        </Link>
        <Mono>{hit.code}</Mono>
      </div>
      <Space size={[4, 4]} wrap className="result-tags">
        <ClassificationTag value={hit.classification} />
        <ShareClassTag value={hit.shareClass} />
        <OpenClassTag value={hit.openClass} />
        <Tag icon={<DatabaseOutlined />}>{enumLabel(t, 'format', hit.formatCategory)}</Tag>
        <Tag icon={<ClockCircleOutlined />}>{enumLabel(t, 'cycle', hit.updateCycle)}</Tag>
        {hit.domains.map((d) => (
          <Tag key={d} color="blue" variant="filled">
            {enumLabel(t, 'domain', d)}
          </Tag>
        ))}
      </Space>
      <Typography.Paragraph
        type="secondary"
        ellipsis={{ rows: 2 }}
        className="result-summary"
        style={{ marginBottom: 4 }}
      >
        {highlight(hit.summary, tokens)}
      </Typography.Paragraph>
      <div className="result-meta">
        <span>
          <ApartmentOutlined /> {hit.orgName}
        </span>
        <span>{t('catalogSearch.publishedAt', { date: formatDate(hit.publishedAt) })}</span>
        <span>{t('resource.versionN', { version: hit.version })}</span>
      </div>
    </div>
  );
}

export function CatalogSearchPage() {
  const { t } = useTranslation();
  const shareName = useShareClassName();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sort: SearchSort = SORTS.includes(sortParam as SearchSort)
    ? (sortParam as SearchSort)
    : 'relevance';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const sizeParam = Number(params.get('size'));
  const size = PAGE_SIZES.includes(sizeParam) ? sizeParam : PAGE_SIZES[0]!;
  const [draft, setDraft] = useState(q);
  useEffect(() => {
    setDraft(q);
  }, [q]);

  const filters = Object.fromEntries(FACETS.map((f) => [f, params.get(f)])) as Record<
    Facet,
    string | null
  >;

  const key = params.toString();
  const result = useAsync(
    async (signal) => ({
      key,
      q,
      result: await api.get<SearchResult>('/catalog/search', {
        signal,
        query: {
          q: q.trim(),
          ...filters,
          sort,
          limit: size,
          offset: (page - 1) * size,
        },
      }),
    }),
    key,
  );
  /** True while the results on screen are those of an earlier query. */
  const stale = result.data?.key !== key;

  /** Changes some parameters; any change but paging returns to page 1. */
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };

  const facetLabel = (facet: Facet) => (v: FacetCount) => {
    switch (facet) {
      case 'provider':
        return v.label;
      case 'classification':
        return enumLabel(t, 'classification', v.value);
      case 'shareClass':
        return shareName(v.value);
      case 'openClass':
        return enumLabel(t, 'openClass', v.value);
      case 'formatCategory':
        return enumLabel(t, 'format', v.value);
      case 'updateCycle':
        return enumLabel(t, 'cycle', v.value);
      case 'domain':
        return enumLabel(t, 'domain', v.value);
    }
  };

  const data = result.data?.result;
  const active = FACETS.filter((f) => filters[f]);
  const activeLabel = (f: Facet) => {
    const value = filters[f] ?? '';
    const found = data?.facets[f].find((v) => v.value === value);
    return facetLabel(f)(found ?? { value, label: value, count: 0 });
  };

  return (
    <>
      <PageHeader title={t('catalogSearch.title')} description={t('catalogSearch.description')} />
      <Card className="search-bar">
        <Input.Search
          size="large"
          allowClear
          enterButton={t('catalogSearch.search')}
          placeholder={t('catalogSearch.placeholder')}
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
          }}
          onSearch={(value) => {
            update({ q: value.trim() || null });
          }}
          data-testid="catalog-search-input"
          maxLength={200}
        />
        <div className="search-toolbar">
          <Space size={[6, 6]} wrap>
            {data && q && !stale ? (
              <Typography.Text type="secondary" data-testid="search-tokens">
                {t('catalogSearch.tokens')}
                {data.tokens.length ? data.tokens.join(' / ') : '—'}
              </Typography.Text>
            ) : null}
            {active.map((f) => (
              <Tag
                key={f}
                closable
                color="blue"
                onClose={(e) => {
                  e.preventDefault();
                  update({ [f]: null });
                }}
              >
                {t(`catalogSearch.facets.${f}`)}：{activeLabel(f)}
              </Tag>
            ))}
            {active.length > 0 ? (
              <Button
                type="link"
                size="small"
                onClick={() => {
                  update(Object.fromEntries(FACETS.map((f) => [f, null])));
                }}
              >
                {t('catalogSearch.clearFilters')}
              </Button>
            ) : null}
          </Space>
          <Space>
            <Typography.Text type="secondary">{t('catalogSearch.sortLabel')}</Typography.Text>
            <Segmented<SearchSort>
              value={sort}
              options={SORTS.map((s) => ({ value: s, label: t(`catalogSearch.sort.${s}`) }))}
              onChange={(value) => {
                update({ sort: value === 'relevance' ? null : value });
              }}
              data-testid="search-sort"
            />
          </Space>
        </div>
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={6}>
          <Card size="small" title={t('catalogSearch.filters')} data-testid="search-facets">
            {data ? (
              FACETS.map((f) => (
                <FacetBlock
                  key={f}
                  facet={f}
                  values={data.facets[f]}
                  selected={filters[f]}
                  label={facetLabel(f)}
                  onToggle={(value) => {
                    update({ [f]: filters[f] === value ? null : value });
                  }}
                />
              ))
            ) : (
              <Skeleton active paragraph={{ rows: 8 }} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={18}>
          <Card
            size="small"
            title={
              data ? (
                <span data-testid="search-total">
                  {t('catalogSearch.resultCount', { count: data.total })}
                </span>
              ) : (
                t('catalogSearch.results')
              )
            }
            loading={result.loading && !data}
          >
            {result.error ? (
              <LoadError error={result.error} onRetry={result.reload} />
            ) : data && data.items.length === 0 ? (
              <Empty
                description={q ? t('catalogSearch.emptyQuery', { q }) : t('catalogSearch.empty')}
                data-testid="search-empty"
              />
            ) : (
              <div
                className={stale ? 'search-results loading' : 'search-results'}
                data-testid="search-results"
                data-q={result.data?.q ?? ''}
                data-stale={stale ? 'true' : 'false'}
              >
                {data?.items.map((hit) => (
                  <HitCard
                    key={hit.code}
                    hit={hit}
                    tokens={[result.data?.q.trim() ?? '', ...data.tokens]}
                  />
                ))}
              </div>
            )}
            {data && data.total > 0 ? (
              <Pagination
                style={{ marginTop: 16, textAlign: 'end' }}
                align="end"
                current={page}
                pageSize={size}
                total={data.total}
                pageSizeOptions={PAGE_SIZES}
                showSizeChanger
                showTotal={(n) => t('common.total', { count: n })}
                onChange={(p, s) => {
                  update({
                    page: p > 1 ? String(p) : null,
                    size: s === PAGE_SIZES[0] ? null : String(s),
                  });
                }}
                data-testid="search-pagination"
              />
            ) : null}
          </Card>
        </Col>
      </Row>
    </>
  );
}
