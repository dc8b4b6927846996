import type { TablePaginationConfig } from 'antd';
import { useState } from 'react';
import { useAsync } from '../../../../console/src/hooks';
import type { AsyncState } from '../../../../console/src/hooks';
import { api, listOf } from '../../api';
import type { Query } from '../../api';

export const LIST_PAGE_SIZE = 20;

/**
 * A list of the personal centre paged by the server (`limit`, `offset` -> `{total, items}`); a
 * bare array answer is taken whole. `pagination` goes to the antd Table.
 */
export function usePagedList<T>(
  path: string,
  query: Query,
  key: string,
): { list: AsyncState<{ total: number; items: T[] }>; pagination: TablePaginationConfig } {
  const [page, setPage] = useState(1);
  const list = useAsync(async (signal) => {
    const body = await api.get<unknown>(path, {
      signal,
      query: { ...query, limit: LIST_PAGE_SIZE, offset: (page - 1) * LIST_PAGE_SIZE },
    });
    const items = listOf<T>(body);
    const total =
      typeof body === 'object' && body !== null && 'total' in body && typeof body.total === 'number'
        ? body.total
        : items.length;
    return { total, items };
  }, `${key}:${page}`);
  return {
    list,
    pagination: {
      current: page,
      pageSize: LIST_PAGE_SIZE,
      total: list.data?.total ?? 0,
      hideOnSinglePage: true,
      showSizeChanger: false,
      onChange: setPage,
    },
  };
}
