import {
  CloudDownloadOutlined,
  DownloadOutlined,
  FileExcelOutlined,
  FileTextOutlined,
  InboxOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Progress,
  Radio,
  Row,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, downloadRequest, uploadRequest } from '../../api';
import { useMe } from '../../auth';
import { StatusTag } from '../../catalog/labels';
import type { ResourceStatus } from '../../catalog/model';
import { canCompile } from '../../catalog/roles';
import { Mono, PageHeader } from '../../components/common';
import { errorText } from '../../errors';
import { downloadFile } from '../../excel';

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_FILE_BYTES = 20 * 1024 * 1024;

type ImportMode = 'all_or_nothing' | 'valid_only';
type ExportFormat = 'xlsx' | 'csv' | 'json' | 'dcat-jsonld' | 'dcat-ttl';
type ExportList = 'sharing' | 'open' | 'responsibility' | 'all';

/** The server sends an import error's message in both languages ({zh, en}) or as text. */
type ServerText = string | { zh: string; en: string };

interface ImportResponse {
  created: ImportResult['created'];
  errors: (Omit<ImportResult['errors'][number], 'message'> & { message: ServerText })[];
}

function localText(message: ServerText, language: string): string {
  if (typeof message === 'string') return message;
  return language === 'en' ? message.en : message.zh;
}

interface ImportResult {
  created: { row: number; code: string; name: string; orgCode?: string; status?: ResourceStatus }[];
  errors: { sheet: string; row: number; column: string; message: string }[];
}

/**
 * An all-or-nothing import with errors is refused (400) with one field per problem, named
 * `sheet:row:column` (the server's importErrorField); other fields (e.g. `file`) have no cell.
 */
function errorsFromFields(fields: Record<string, string>): ImportResult['errors'] {
  return Object.entries(fields).map(([field, message]) => {
    const match = /^([^:]+):(\d+):(.+)$/.exec(field);
    return match
      ? { sheet: match[1] ?? '', row: Number(match[2]), column: match[3] ?? '', message }
      : { sheet: '', row: 0, column: field, message };
  });
}

type ImportError = ImportResult['errors'][number] & { index: number };

const EXTENSIONS: Record<ExportFormat, string> = {
  xlsx: 'xlsx',
  csv: 'csv',
  json: 'json',
  'dcat-jsonld': 'jsonld',
  'dcat-ttl': 'ttl',
};

function useFileAction() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (
    key: string,
    path: string,
    query: Record<string, string>,
    fallback: string,
  ) => {
    setBusy(key);
    try {
      const file = await downloadRequest(path, query);
      const name = file.fileName ?? fallback;
      downloadFile(file.blob, name, file.blob.type || 'application/octet-stream');
      message.success(t('exchange.downloaded', { name }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        message.error(t('exchange.notAvailable', { path }));
      } else {
        message.error(errorText(t, e));
      }
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}

function ImportCard() {
  const { t, i18n } = useTranslation();
  const { busy, run } = useFileAction();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>('all_or_nothing');
  const [phase, setPhase] = useState<'idle' | 'reading' | 'uploading' | 'done' | 'failed'>('idle');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    if (!file) return;
    setError(null);
    setRefused(null);
    setResult(null);
    setPhase('reading');
    try {
      const body = new Blob([await file.arrayBuffer()], { type: XLSX_MIME });
      setPhase('uploading');
      const res = await uploadRequest<ImportResponse>('/catalog/import', body, XLSX_MIME, {
        mode,
        fileName: file.name,
      });
      setResult({
        created: res.created,
        errors: res.errors.map((e) => ({ ...e, message: localText(e.message, i18n.language) })),
      });
      setPhase('done');
    } catch (e) {
      setPhase('failed');
      if (e instanceof ApiError && e.code === 'VALIDATION' && Object.keys(e.fields).length > 0) {
        // Nothing imported: the problems are listed like those of a partial import.
        setRefused(e.message);
        setResult({ created: [], errors: errorsFromFields(e.fields) });
      } else if (e instanceof ApiError && e.status === 404) {
        setError(t('exchange.notAvailable', { path: '/catalog/import' }));
      } else {
        setError(errorText(t, e));
      }
    }
  };

  const percent = { idle: 0, reading: 15, uploading: 60, done: 100, failed: 100 }[phase];
  const running = phase === 'reading' || phase === 'uploading';

  const errorColumns: TableColumnsType<ImportError> = [
    { title: t('exchange.sheet'), dataIndex: 'sheet', width: 140 },
    { title: t('exchange.row'), dataIndex: 'row', width: 70 },
    { title: t('exchange.column'), dataIndex: 'column', width: 140 },
    { title: t('exchange.reason'), dataIndex: 'message' },
  ];
  const createdColumns: TableColumnsType<ImportResult['created'][number]> = [
    { title: t('exchange.row'), dataIndex: 'row', width: 70 },
    {
      title: t('catalog.field.code'),
      dataIndex: 'code',
      width: 170,
      render: (code: string) => (
        <Link to={`/catalog/resources/${encodeURIComponent(code)}`}>
          <Mono>{code}</Mono>
        </Link>
      ),
    },
    { title: t('catalog.field.name'), dataIndex: 'name' },
    {
      title: t('resource.status'),
      dataIndex: 'status',
      width: 100,
      render: (status: ResourceStatus | undefined) =>
        status ? <StatusTag status={status} /> : null,
    },
  ];

  return (
    <Card
      title={
        <span>
          <UploadOutlined /> {t('exchange.importTitle')}
        </span>
      }
      extra={
        <Button
          icon={<DownloadOutlined />}
          loading={busy === 'template'}
          onClick={() => {
            void run('template', '/catalog/template', {}, t('exchange.templateName'));
          }}
          data-testid="exchange-template"
        >
          {t('exchange.template')}
        </Button>
      }
      data-testid="exchange-import"
    >
      <Typography.Paragraph type="secondary">{t('exchange.importHint')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        multiple={false}
        showUploadList={false}
        disabled={running}
        beforeUpload={(f) => {
          if (f.size > MAX_FILE_BYTES) {
            setError(t('exchange.tooLarge', { size: 20 }));
            return Upload.LIST_IGNORE;
          }
          setFile(f);
          setResult(null);
          setRefused(null);
          setError(null);
          setPhase('idle');
          return false;
        }}
        data-testid="exchange-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">
          {file ? (
            <span data-testid="exchange-file">
              <FileExcelOutlined /> {file.name}
            </span>
          ) : (
            t('exchange.dropHint')
          )}
        </p>
        <p className="ant-upload-hint">{t('exchange.dropSubHint')}</p>
      </Upload.Dragger>
      <div className="import-options">
        <Space orientation="vertical" size={4}>
          <Typography.Text strong>{t('exchange.mode')}</Typography.Text>
          <Radio.Group
            value={mode}
            onChange={(e) => {
              setMode(e.target.value as ImportMode);
            }}
            options={[
              { value: 'all_or_nothing', label: t('exchange.modeAll') },
              { value: 'valid_only', label: t('exchange.modeValid') },
            ]}
            data-testid="exchange-mode"
          />
        </Space>
        <Button
          type="primary"
          icon={<UploadOutlined />}
          disabled={!file}
          loading={running}
          onClick={() => {
            void start();
          }}
          data-testid="exchange-run"
        >
          {t('exchange.run')}
        </Button>
      </div>
      {phase !== 'idle' ? (
        <div style={{ marginTop: 16 }} data-testid="exchange-progress">
          <Progress
            percent={percent}
            status={phase === 'failed' ? 'exception' : running ? 'active' : 'success'}
          />
          <Typography.Text type="secondary">{t(`exchange.phase.${phase}`)}</Typography.Text>
        </div>
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginTop: 16 }}
          data-testid="exchange-error"
        />
      ) : null}
      {result ? (
        <div style={{ marginTop: 16 }} data-testid="exchange-result">
          <Alert
            type={
              result.errors.length === 0 ? 'success' : result.created.length ? 'warning' : 'error'
            }
            showIcon
            title={
              refused ??
              t('exchange.resultSummary', {
                created: result.created.length,
                errors: result.errors.length,
              })
            }
            description={refused ? t('exchange.nothingImported') : undefined}
            data-testid="exchange-summary"
          />
          {result.errors.length > 0 ? (
            <Table<ImportError>
              style={{ marginTop: 12 }}
              rowKey="index"
              size="small"
              columns={errorColumns}
              dataSource={result.errors.map((e, index) => ({ ...e, index }))}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              title={() => <Typography.Text strong>{t('exchange.errorsTitle')}</Typography.Text>}
              data-testid="exchange-errors"
            />
          ) : null}
          {result.created.length > 0 ? (
            <Table
              style={{ marginTop: 12 }}
              rowKey="code"
              size="small"
              columns={createdColumns}
              dataSource={result.created}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              title={() => <Typography.Text strong>{t('exchange.createdTitle')}</Typography.Text>}
              data-testid="exchange-created"
            />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

function ExportCard() {
  const { t } = useTranslation();
  const { busy, run } = useFileAction();
  // DCAT-AP describes the open catalog only (the server refuses other lists in DCAT).
  const lists: { list: ExportList; formats: ExportFormat[]; icon: ReactNode }[] = [
    { list: 'sharing', formats: ['xlsx', 'csv', 'json'], icon: <FileExcelOutlined /> },
    {
      list: 'open',
      formats: ['xlsx', 'csv', 'json', 'dcat-jsonld', 'dcat-ttl'],
      icon: <FileExcelOutlined />,
    },
    { list: 'responsibility', formats: ['xlsx', 'csv'], icon: <FileExcelOutlined /> },
    { list: 'all', formats: ['xlsx', 'csv', 'json'], icon: <FileTextOutlined /> },
  ];
  const exportFile = (list: ExportList, format: ExportFormat) => {
    const key = `${list}-${format}`;
    const fallback = `${t(`exchange.lists.${list}`)}.${EXTENSIONS[format]}`;
    void run(key, '/catalog/export', { format, list }, fallback);
  };
  return (
    <Card
      title={
        <span>
          <CloudDownloadOutlined /> {t('exchange.exportTitle')}
        </span>
      }
      data-testid="exchange-export"
    >
      <Typography.Paragraph type="secondary">{t('exchange.exportHint')}</Typography.Paragraph>
      <div className="export-list">
        {lists.map(({ list, formats, icon }) => (
          <div key={list} className="export-row">
            <div>
              <Typography.Text strong>
                {icon} {t(`exchange.lists.${list}`)}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary">
                  {t(`exchange.listHints.${list}`)}
                </Typography.Text>
              </div>
            </div>
            <Space wrap>
              {formats.map((format) => (
                <Button
                  key={format}
                  size="small"
                  loading={busy === `${list}-${format}`}
                  onClick={() => {
                    exportFile(list, format);
                  }}
                  data-testid={`export-${list}-${format}`}
                >
                  {t(`exchange.formats.${format}`)}
                </Button>
              ))}
            </Space>
          </div>
        ))}
      </div>
      <Space size={4} wrap style={{ marginTop: 8 }}>
        <Tag>DCAT-AP 3</Tag>
        <Typography.Text type="secondary">{t('exchange.dcatHint')}</Typography.Text>
      </Space>
    </Card>
  );
}

/** 导入导出: bulk import of entries from Excel and exports of the published catalogs. */
export function ExchangePage() {
  const { t } = useTranslation();
  const me = useMe();
  const mayImport = canCompile(me);
  return (
    <>
      <PageHeader title={t('exchange.title')} description={t('exchange.description')} />
      <Row gutter={[16, 16]}>
        {mayImport ? (
          <Col xs={24} xl={14}>
            <ImportCard />
          </Col>
        ) : null}
        <Col xs={24} xl={mayImport ? 10 : 24}>
          <ExportCard />
        </Col>
      </Row>
    </>
  );
}
