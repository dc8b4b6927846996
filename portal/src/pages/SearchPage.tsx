import { CloseOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Input, Pagination, Row, Select, Space, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useAsync } from '../../../console/src/hooks';
import { api } from '../api';
import { LoadError, PageLoading, useLabel, useTitle } from '../components/common';
import { DatasetCard, PAGE_SIZE } from '../components/DatasetList';
import { FACET_KEYS } from '../types';
import type { FacetKey, FacetValue, SearchResult } from '../types';

const SORTS = ['relevance', 'newest', 'name'] as const;
type Sort = (typeof SORTS)[number];

/** How a facet value is labelled: our translation for known codes, else the server's label. */
function useFacetLabel(): (facet: FacetKey, v: FacetValue) => string {
  const label = useLabel();
  return (facet, v) => {
    if (facet === 'domain') return label('domain', v.value);
    if (facet === 'formatCategory') return label('formatCategory', v.value);
    if (facet === 'updateCycle') return label('cycle', v.value);
    if (facet === 'openClass') return label('openClass', v.value);
    return v.label || v.value;
  };
}

function FacetBox({
  facet,
  values,
  selected,
  onToggle,
}: {
  facet: FacetKey;
  values: FacetValue[];
  selected: string | null;
  onToggle: (value: string | null) => void;
}) {
  const { t } = useTranslation();
  const facetLabel = useFacetLabel();
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? values : values.slice(0, 8);
  return (
    <Card size="small" title={t(`search.facets.${facet}`)} className="facet-box">
      <ul className="facet-list" data-testid={`facet-${facet}`}>
        {shown.map((v) => {
          const active = selected === v.value;
          return (
            <li key={v.value}>
              <button
                type="button"
                className={`facet-item${active ? ' active' : ''}`}
                aria-pressed={active}
                data-testid={`facet-${facet}-${v.value}`}
                onClick={() => {
                  onToggle(active ? null : v.value);
                }}
              >
                <span className="facet-label">{facetLabel(facet, v)}</span>
                <span className="facet-count">{v.count}</span>
              </button>
            </li>
          );
        })}
        {values.length === 0 ? <li className="facet-none">{t('search.noFacet')}</li> : null}
      </ul>
      {values.length > 8 ? (
        <Button
          type="link"
          size="small"
          onClick={() => {
            setExpanded((e) => !e);
          }}
        >
          {expanded ? t('search.showLess') : t('search.showMore', { count: values.length })}
        </Button>
      ) : null}
    </Card>
  );
}

export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const facetLabel = useFacetLabel();
  const q = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sort: Sort = SORTS.includes(sortParam as Sort) ? (sortParam as Sort) : 'relevance';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const filters = Object.fromEntries(FACET_KEYS.map((k) => [k, params.get(k)])) as Record<
    FacetKey,
    string | null
  >;
  const [input, setInput] = useState(q);
  useEffect(() => {
    setInput(q);
  }, [q]);
  useTitle(q ? t('search.titleWithQuery', { q }) : t('search.title'));

  const key = JSON.stringify({ q, sort, page, filters });
  const result = useAsync(
    (signal) =>
      api.get<SearchResult>('/open/datasets', {
        signal,
        query: {
          q,
          ...filters,
          sort,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        },
      }),
    key,
  );

  /** Changes some query parameters (null removes one); any change but paging goes to page 1. */
  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  }

  const data = result.data;
  const facets = data?.facets ?? {};
  const active = FACET_KEYS.filter((k) => filters[k]);

  return (
    <div className="search-page">
      <div className="search-bar">
        <Input.Search
          size="large"
          value={input}
          allowClear
          enterButton={t('search.search')}
          placeholder={t('search.placeholder')}
          aria-label={t('search.placeholder')}
          data-testid="search-input"
          onChange={(e) => {
            setInput(e.target.value);
          }}
          onSearch={(value) => {
            update({ q: value.trim() || null });
          }}
        />
      </div>
      <Row gutter={[20, 20]}>
        <Col xs={24} md={7} lg={6}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {FACET_KEYS.map((k) => (
              <FacetBox
                key={k}
                facet={k}
                values={facets[k] ?? []}
                selected={filters[k]}
                onToggle={(value) => {
                  update({ [k]: value });
                }}
              />
            ))}
          </Space>
        </Col>
        <Col xs={24} md={17} lg={18}>
          <div className="search-toolbar">
            <span data-testid="search-total">
              {data ? t('search.total', { count: data.total }) : '\u00a0'}
            </span>
            <Space>
              <span>{t('search.sort.label')}</span>
              <Select<Sort>
                value={sort}
                style={{ width: 140 }}
                data-testid="search-sort"
                onChange={(value) => {
                  update({ sort: value === 'relevance' ? null : value });
                }}
                options={SORTS.map((s) => ({ value: s, label: t(`search.sort.${s}`) }))}
              />
            </Space>
          </div>
          {active.length > 0 ? (
            <div className="active-filters" data-testid="active-filters">
              {active.map((k) => {
                const value = filters[k] ?? '';
                const known = facets[k]?.find((v) => v.value === value);
                return (
                  <Tag
                    key={k}
                    closable
                    closeIcon={<CloseOutlined />}
                    onClose={(e) => {
                      e.preventDefault();
                      update({ [k]: null });
                    }}
                  >
                    {t(`search.facets.${k}`)}：
                    {facetLabel(k, known ?? { value, label: value, count: 0 })}
                  </Tag>
                );
              })}
              <Button
                type="link"
                size="small"
                onClick={() => {
                  update(Object.fromEntries(FACET_KEYS.map((k) => [k, null])));
                }}
              >
                {t('search.clearAll')}
              </Button>
            </div>
          ) : null}
          {result.error ? (
            <LoadError error={result.error} onRetry={result.reload} />
          ) : !data ? (
            <PageLoading />
          ) : data.items.length === 0 ? (
            <Empty description={t('search.empty')} data-testid="search-empty" />
          ) : (
            <div
              className={`search-results${result.loading ? ' stale' : ''}`}
              data-testid="search-results"
            >
              {data.items.map((d) => (
                <DatasetCard key={d.code} dataset={d} />
              ))}
              <Pagination
                className="search-pagination"
                current={page}
                pageSize={PAGE_SIZE}
                total={data.total}
                showSizeChanger={false}
                hideOnSinglePage
                onChange={(p) => {
                  update({ page: p > 1 ? String(p) : null });
                  window.scrollTo({ top: 0 });
                }}
              />
            </div>
          )}
        </Col>
      </Row>
    </div>
  );
}
