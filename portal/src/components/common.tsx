import { CopyOutlined } from '@ant-design/icons';
import { App, Button, Result, Spin, Tag, Tooltip } from 'antd';
import { useCallback, useEffect } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../../../console/src/errors';
import type { OpenClass } from '../types';

/** Sets `document.title`: `${page} · 开放数据 · govdx`, or the portal's name alone. */
export function useTitle(page: string | null | undefined): void {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    document.title = page ? `${page} · ${t('app.titleSuffix')}` : t('app.name');
  }, [page, t, i18n.language]);
}

export type LabelGroup = 'domain' | 'formatCategory' | 'cycle' | 'dataType' | 'openClass';

/** The translated label of a code from the server, or the code itself when none is known. */
export function useLabel(): (group: LabelGroup, value: string) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (group: LabelGroup, value: string) => {
      const key = `${group}.${value}`;
      return i18n.exists(key) ? (t as unknown as (k: string) => string)(key) : value;
    },
    // i18n.language: labels change with the language.
    [t, i18n, i18n.language],
  );
}

export function OpenClassTag({ value }: { value: OpenClass }) {
  const label = useLabel();
  return (
    <Tag
      color={value === 'unconditional' ? 'green' : value === 'conditional' ? 'orange' : 'default'}
      data-testid="open-class-tag"
    >
      {label('openClass', value)}
    </Tag>
  );
}

/** A copy-to-clipboard button; without clipboard access it says how to copy by hand. */
export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <Tooltip title={t('common.copy')}>
      <Button
        size="small"
        icon={<CopyOutlined />}
        onClick={() => {
          // navigator.clipboard is missing on plain http (not localhost): then() catches that too.
          void Promise.resolve()
            .then(() => navigator.clipboard.writeText(text))
            .then(() => {
              message.success(t('common.copied'));
            })
            .catch(() => {
              message.warning(t('common.copyFailed'));
            });
        }}
        data-testid={testId}
      >
        {t('common.copy')}
      </Button>
    </Tooltip>
  );
}

/** Preformatted text (a command, a citation) with a copy button. */
export function CodeBlock({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="code-block">
      <pre data-testid={testId}>{text}</pre>
      <div className="code-block-copy">
        <CopyButton text={text} testId={testId ? `${testId}-copy` : undefined} />
      </div>
    </div>
  );
}

export function PageLoading() {
  return (
    <div className="page-loading" data-testid="page-loading">
      <Spin size="large" />
    </div>
  );
}

export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="error"
      title={t('common.loadFailed')}
      subTitle={errorText(t, error)}
      data-testid="load-error"
      extra={<Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  );
}

export function NotFoundResult({ title, extra }: { title?: ReactNode; extra?: ReactNode }) {
  const { t } = useTranslation();
  useTitle(t('result.notFoundTitle'));
  return (
    <Result
      status="404"
      title={title ?? t('result.notFoundTitle')}
      subTitle={t('result.notFound')}
      data-testid="not-found"
      extra={
        extra ?? (
          <Link to="/">
            <Button type="primary">{t('common.backHome')}</Button>
          </Link>
        )
      }
    />
  );
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString();
}
