import {
  CheckCircleFilled,
  CloudUploadOutlined,
  DeleteOutlined,
  DownloadOutlined,
  FileDoneOutlined,
  FileOutlined,
  InboxOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  InputNumber,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, api, uploadWithProgress } from '../../api';
import { useMe } from '../../auth';
import { enumLabel } from '../../catalog/labels';
import type { DataItem, ResourceVersion } from '../../catalog/model';
import { ForbiddenResult, LoadError, PageHeader } from '../../components/common';
import { errorText } from '../../errors';
import { downloadFile } from '../../excel';
import {
  BatchDescriptions,
  RejectionsTable,
  ResourceSelect,
  useNumber,
  usePublishedResources,
  useResourceVersion,
  uploadOrgCodes,
} from './IngestParts';
import {
  ENCODINGS,
  INGEST_MODES,
  TABLE_ACCEPT,
  formatBytes,
  ingestErrorData,
  isTabular,
  uploadFormat,
} from './ingest';
import type {
  Batch,
  BatchList,
  Encoding,
  IngestErrorData,
  IngestMode,
  IngestResult,
} from './ingest';
import { localized } from './values';

type Phase = 'idle' | 'uploading' | 'committing' | 'done' | 'failed' | 'cancelled';

interface Failure {
  message: string;
  reason: string | null;
  data: IngestErrorData;
  /** The batch record, when the server kept one (read back after a lost connection). */
  batch: Batch | null;
}

const POLL_MS = 1000;

/** 表头说明: the data items a file's header may name (column or Chinese name). */
function HeaderHelp({
  version,
  mode,
  disabled,
}: {
  version: ResourceVersion;
  mode: IngestMode;
  disabled: boolean;
}) {
  const { t } = useTranslation();
  const items = version.content.items;
  const shown = mode === 'delete' ? items.filter((i) => i.key) : items;

  const template = () => {
    const header = shown.map((i) => (/[",\n]/.test(i.name) ? `"${i.name}"` : i.name)).join(',');
    downloadFile(`\uFEFF${header}\r\n`, `${version.content.name}.csv`, 'text/csv;charset=utf-8');
  };

  const columns: TableColumnsType<DataItem> = [
    {
      title: t('ingest.header.column'),
      dataIndex: 'column',
      width: 130,
      render: (column: string) => <span className="mono">{column}</span>,
    },
    { title: t('ingest.header.name'), dataIndex: 'name', width: 110 },
    {
      title: t('ingest.header.type'),
      dataIndex: 'type',
      width: 110,
      render: (type: DataItem['type'], item) =>
        `${t(`catalog.dataType.${type}`)}${item.length ? `(${String(item.length)})` : ''}`,
    },
    {
      title: t('ingest.header.rules'),
      key: 'rules',
      render: (_: unknown, item) => (
        <Space size={[4, 4]} wrap>
          {item.key ? <Tag color="gold">{t('catalog.item.key')}</Tag> : null}
          {item.required && !item.key ? <Tag color="red">{t('catalog.item.required')}</Tag> : null}
          {item.validator && item.validator.kind !== 'none' ? (
            <Tag color="blue">
              {item.validator.kind === 'enum' && item.validator.values
                ? item.validator.values.join(' / ')
                : t(`catalog.validator.${item.validator.kind}`)}
            </Tag>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('ingest.header.title')}
      size="small"
      extra={
        <Button
          size="small"
          icon={<DownloadOutlined />}
          disabled={disabled}
          onClick={template}
          data-testid="ingest-template"
        >
          {t('ingest.header.template')}
        </Button>
      }
      data-testid="ingest-header-help"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {mode === 'delete' ? t('ingest.header.hintDelete') : t('ingest.header.hint')}
      </Typography.Paragraph>
      <Table<DataItem>
        rowKey="column"
        size="small"
        columns={columns}
        dataSource={shown}
        pagination={false}
        scroll={{ x: 480 }}
        data-testid="ingest-header-items"
      />
    </Card>
  );
}

/** The outcome of a finished upload: counts, SHA-256 and 问题数据. */
function ResultCard({
  result,
  version,
  tabular,
}: {
  result: IngestResult;
  version: ResourceVersion;
  tabular: boolean;
}) {
  const { t } = useTranslation();
  const num = useNumber();
  const { batch } = result;
  return (
    <Card
      title={
        <Space>
          <CheckCircleFilled style={{ color: '#52c41a' }} />
          {t('ingest.result.title')}
        </Space>
      }
      extra={
        <Link
          to={`/aggregation/batches?code=${encodeURIComponent(batch.resourceCode)}&batch=${encodeURIComponent(batch.id)}`}
          data-testid="ingest-result-batches"
        >
          <UnorderedListOutlined /> {t('ingest.result.viewBatch')}
        </Link>
      }
      data-testid="ingest-result"
    >
      <Alert
        type={batch.rowsRejected > 0 ? 'warning' : 'success'}
        showIcon
        style={{ marginBottom: 16 }}
        title={
          tabular
            ? batch.rowsRejected > 0
              ? t('ingest.result.summaryRejected', {
                  read: num(batch.rowsRead),
                  rejected: num(batch.rowsRejected),
                })
              : t('ingest.result.summary', { read: num(batch.rowsRead) })
            : t('ingest.result.summaryFile', { name: batch.sourceName })
        }
        data-testid="ingest-result-summary"
      />
      <BatchDescriptions batch={batch} tabular={tabular} column={{ xs: 1, sm: 2, xl: 3 }} />
      {tabular && batch.rowsRejected > 0 ? (
        <div style={{ marginTop: 16 }}>
          <RejectionsTable batchId={batch.id} items={version.content.items} />
        </div>
      ) : null}
    </Card>
  );
}

/** The refusal of an upload: the server's message, the header lists, the refused rows. */
function FailureCard({ failure, version }: { failure: Failure; version: ResourceVersion }) {
  const { t, i18n } = useTranslation();
  const { data, reason, batch } = failure;
  const batchId = data.batchId ?? batch?.id;
  const message =
    batch?.errorMessage && batch.status !== 'running'
      ? localized(batch.errorMessage, i18n.language)
      : failure.message;
  const refused = reason === 'INGEST_TOO_MANY_REJECTED' || batch?.status === 'refused';
  return (
    <Card title={t('ingest.failure.title')} data-testid="ingest-failure">
      <Alert
        type="error"
        showIcon
        title={<span data-testid="ingest-error-message">{message}</span>}
        description={
          <Space orientation="vertical" size={6}>
            {data.missing?.length ? (
              <div data-testid="ingest-missing">
                <Typography.Text strong>{t('ingest.failure.missing')}</Typography.Text>{' '}
                {data.missing.map((m) => (
                  <Tag key={m} color="red">
                    {m}
                  </Tag>
                ))}
              </div>
            ) : null}
            {data.unknown?.length ? (
              <div data-testid="ingest-unknown">
                <Typography.Text strong>{t('ingest.failure.unknown')}</Typography.Text>{' '}
                {data.unknown.map((m) => (
                  <Tag key={m} color="orange">
                    {m}
                  </Tag>
                ))}
              </div>
            ) : null}
            {reason === 'INGEST_HEADER_MISMATCH' ? (
              <Typography.Text type="secondary">{t('ingest.failure.headerHint')}</Typography.Text>
            ) : null}
            {reason === 'INGEST_ENCODING' ? (
              <Typography.Text type="secondary">{t('ingest.failure.encodingHint')}</Typography.Text>
            ) : null}
            {reason === 'INGEST_BATCH_RUNNING' ? (
              <Link to={`/aggregation/batches?code=${encodeURIComponent(version.code)}`}>
                {t('ingest.failure.runningLink')}
              </Link>
            ) : null}
            {refused ? (
              <Typography.Text type="secondary">
                {t('ingest.failure.nothingLoaded')}
              </Typography.Text>
            ) : null}
          </Space>
        }
        data-testid="ingest-error"
      />
      {refused && batchId ? (
        <div style={{ marginTop: 16 }}>
          <RejectionsTable
            batchId={batchId}
            items={version.content.items}
            title={t('ingest.failure.rejectionsTitle')}
          />
        </div>
      ) : null}
      {batchId && !refused ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('ingest.failure.batchRecorded')}{' '}
          <Link
            to={`/aggregation/batches?code=${encodeURIComponent(version.code)}&batch=${encodeURIComponent(batchId)}`}
          >
            {t('ingest.result.viewBatch')}
          </Link>
        </Typography.Paragraph>
      ) : null}
    </Card>
  );
}

/**
 * 数据上传: a file into one of the department's published resources. The file goes as the raw
 * request body (streamed by the browser, with byte progress); while the server checks it, the running
 * batch's row count is polled; then the batch's counts, SHA-256 and 问题数据 are shown.
 */
export function UploadPage() {
  const { t } = useTranslation();
  const me = useMe();
  const num = useNumber();
  const [params, setParams] = useSearchParams();
  const orgCodes = uploadOrgCodes(me);
  const resources = usePublishedResources(orgCodes);
  const code = params.get('code') ?? undefined;
  const summary = resources.data?.find((r) => r.code === code);
  const version = useResourceVersion(summary);
  const detail = version.data ?? null;
  const tabular = detail ? isTabular(detail.content) : true;

  const [mode, setMode] = useState<IngestMode>('upsert');
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [threshold, setThreshold] = useState<number | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [sent, setSent] = useState({ loaded: 0, total: 0 });
  const [live, setLive] = useState<Batch | null>(null);
  const [result, setResult] = useState<IngestResult | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const controllerRef = useRef<AbortController | null>(null);
  const busy = phase === 'uploading' || phase === 'committing';

  useEffect(
    () => () => {
      controllerRef.current?.abort();
    },
    [],
  );

  // Leaving the page would cut the upload: the browser asks first.
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [busy]);

  // The first resource is chosen for the user when there is only one.
  useEffect(() => {
    const only = resources.data?.length === 1 ? resources.data[0] : undefined;
    if (!code && only) setParams({ code: only.code }, { replace: true });
  }, [code, resources.data, setParams]);

  if (orgCodes.length === 0) return <ForbiddenResult />;

  const chooseResource = (next: string) => {
    setParams({ code: next }, { replace: true });
    setResult(null);
    setFailure(null);
    setFileError(null);
    setPhase('idle');
    setFile(null);
  };

  const chooseFile = (f: File) => {
    setResult(null);
    setFailure(null);
    setPhase('idle');
    if (tabular && !uploadFormat(f, true)) {
      setFile(null);
      setFileError(t('ingest.upload.fileType', { name: f.name }));
      return;
    }
    if (f.size === 0) {
      setFile(null);
      setFileError(t('ingest.upload.fileEmpty', { name: f.name }));
      return;
    }
    setFileError(null);
    setFile(f);
  };

  /** After a lost connection: the batch as the server recorded it, once it stopped running. */
  const settledBatch = async (id: string): Promise<Batch | null> => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const batch = await api.get<Batch>(`/batches/${encodeURIComponent(id)}`);
        if (batch.status !== 'running') return batch;
      } catch {
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return null;
  };

  const start = async () => {
    if (!summary || !detail || !file) return;
    const how = uploadFormat(file, tabular);
    if (!how) {
      setFileError(t('ingest.upload.fileType', { name: file.name }));
      return;
    }
    const controller = new AbortController();
    controllerRef.current = controller;
    setResult(null);
    setFailure(null);
    setLive(null);
    setSent({ loaded: 0, total: file.size });
    setPhase('uploading');

    // The running batch of the resource (one at a time): its rows read so far.
    let runningId: string | null = null;
    let polling = false;
    const poll = async () => {
      if (polling) return;
      polling = true;
      try {
        const list = await api.get<BatchList>(
          `/resources/${encodeURIComponent(summary.code)}/batches`,
          { query: { status: 'running', limit: 1 }, signal: controller.signal },
        );
        const running = list.items[0];
        if (running && !controller.signal.aborted) {
          runningId = running.id;
          setLive(running);
        }
      } catch {
        // Progress only: the upload itself reports what matters.
      } finally {
        polling = false;
      }
    };
    const timer = window.setInterval(() => {
      void poll();
    }, POLL_MS);

    try {
      const query: Record<string, string | number | undefined> = {
        mode: tabular ? mode : 'upsert',
        format: how.format,
        name: file.name,
        encoding: tabular && how.format === 'csv' ? encoding : undefined,
        maxRejectedPercent: tabular && threshold !== null ? threshold : undefined,
      };
      const res = await uploadWithProgress<IngestResult>(
        `/resources/${encodeURIComponent(summary.code)}/batches`,
        file,
        how.contentType,
        query,
        {
          signal: controller.signal,
          onProgress: (loaded, total) => {
            setSent({ loaded, total });
          },
          onSent: () => {
            setPhase('committing');
          },
        },
      );
      setResult(res);
      setPhase('done');
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') {
        setPhase('cancelled');
        return;
      }
      let data: IngestErrorData = {};
      let reason: string | null = null;
      let batch: Batch | null = null;
      if (e instanceof ApiError) {
        data = ingestErrorData(e.data);
        reason = e.reason;
        // A lost connection (the server may have refused the file before reading all of it).
        if (e.code === 'NETWORK' && runningId) batch = await settledBatch(runningId);
      }
      setFailure({ message: errorText(t, e), reason, data, batch });
      setPhase('failed');
    } finally {
      window.clearInterval(timer);
      if (controllerRef.current === controller) controllerRef.current = null;
    }
  };

  const percent = sent.total > 0 ? Math.floor((sent.loaded / sent.total) * 100) : 0;

  const progress =
    phase === 'uploading' || phase === 'committing' || phase === 'cancelled' ? (
      <div data-testid="ingest-progress" style={{ marginTop: 16 }}>
        <Progress
          percent={phase === 'committing' ? 100 : percent}
          status={phase === 'cancelled' ? 'exception' : 'active'}
        />
        <Space size={8} wrap>
          {phase === 'committing' ? <Spin size="small" /> : null}
          <Typography.Text type="secondary" data-testid="ingest-progress-text">
            {phase === 'uploading'
              ? t('ingest.upload.sending', {
                  loaded: formatBytes(sent.loaded),
                  total: formatBytes(sent.total),
                })
              : phase === 'committing'
                ? t('ingest.upload.committing')
                : t('ingest.upload.cancelled')}
          </Typography.Text>
          {live && live.rowsRead > 0 && tabular && phase !== 'cancelled' ? (
            <Typography.Text type="secondary" data-testid="ingest-rows-processed">
              {live.rowsRejected > 0
                ? t('ingest.upload.rowsProcessedRejected', {
                    rows: num(live.rowsRead),
                    rejected: num(live.rowsRejected),
                  })
                : t('ingest.upload.rowsProcessed', { rows: num(live.rowsRead) })}
            </Typography.Text>
          ) : null}
        </Space>
      </div>
    ) : null;

  const formatName = summary ? enumLabel(t, 'format', summary.formatCategory) : '';

  return (
    <>
      <PageHeader
        title={t('ingest.upload.title')}
        description={t('ingest.upload.description')}
        extra={
          <>
            <Link to="/aggregation/precheck" data-testid="ingest-precheck-link">
              <Button icon={<FileDoneOutlined />}>{t('ingest.upload.precheck')}</Button>
            </Link>
            <Link
              to={
                code
                  ? `/aggregation/batches?code=${encodeURIComponent(code)}`
                  : '/aggregation/batches'
              }
            >
              <Button icon={<UnorderedListOutlined />}>{t('ingest.upload.batches')}</Button>
            </Link>
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={t('ingest.upload.cardTitle')} data-testid="ingest-form">
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <div>
                <Typography.Text strong>{t('ingest.resource')}</Typography.Text>
                <div style={{ marginTop: 4 }}>
                  <ResourceSelect
                    resources={resources}
                    value={summary?.code}
                    onChange={chooseResource}
                    disabled={busy}
                    testId="ingest-resource"
                  />
                </div>
                {summary ? (
                  <Space size={6} style={{ marginTop: 6 }} wrap>
                    <Tag data-testid="ingest-format-category">{formatName}</Tag>
                    <Typography.Text type="secondary">
                      {detail && !tabular
                        ? t('ingest.upload.fileResource')
                        : t('ingest.upload.tableResource')}
                    </Typography.Text>
                  </Space>
                ) : null}
              </div>

              {detail && tabular ? (
                <>
                  <div>
                    <Typography.Text strong>{t('ingest.upload.mode')}</Typography.Text>
                    <div style={{ marginTop: 4 }}>
                      <Radio.Group
                        value={mode}
                        disabled={busy}
                        onChange={(e) => {
                          setMode(e.target.value as IngestMode);
                        }}
                        options={INGEST_MODES.map((m) => ({
                          value: m,
                          label: (
                            <span data-testid={`ingest-mode-${m}`}>{t(`ingest.mode.${m}`)}</span>
                          ),
                        }))}
                        data-testid="ingest-mode"
                      />
                    </div>
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {t(`ingest.modeHint.${mode}`)}
                    </Typography.Text>
                    {mode === 'replace' ? (
                      <Alert
                        type="warning"
                        showIcon
                        style={{ marginTop: 8 }}
                        title={t('ingest.upload.replaceWarning')}
                        data-testid="ingest-replace-warning"
                      />
                    ) : null}
                  </div>
                  <Row gutter={16}>
                    <Col xs={24} sm={12}>
                      <Typography.Text strong>{t('ingest.upload.encoding')}</Typography.Text>
                      <Select
                        style={{ width: '100%', marginTop: 4 }}
                        value={encoding}
                        disabled={busy}
                        onChange={(value: Encoding) => {
                          setEncoding(value);
                        }}
                        options={ENCODINGS.map((e) => ({
                          value: e,
                          label: t(`ingest.encoding.${e === 'utf-8' ? 'utf8' : e}`),
                        }))}
                        data-testid="ingest-encoding"
                      />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('ingest.upload.encodingHint')}
                      </Typography.Text>
                    </Col>
                    <Col xs={24} sm={12}>
                      <Typography.Text strong>{t('ingest.upload.threshold')}</Typography.Text>
                      <InputNumber<number>
                        style={{ width: '100%', marginTop: 4 }}
                        min={0}
                        max={100}
                        step={1}
                        precision={1}
                        value={threshold}
                        disabled={busy}
                        suffix="%"
                        placeholder={t('ingest.upload.thresholdPlaceholder')}
                        onChange={(value) => {
                          setThreshold(value);
                        }}
                        data-testid="ingest-threshold"
                      />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t('ingest.upload.thresholdHint')}
                      </Typography.Text>
                    </Col>
                  </Row>
                </>
              ) : null}

              {detail && !tabular ? (
                <Alert
                  type="info"
                  showIcon
                  title={t('ingest.upload.fileResourceHint', { format: formatName })}
                  data-testid="ingest-file-resource"
                />
              ) : null}

              <Upload.Dragger
                accept={tabular ? TABLE_ACCEPT : undefined}
                multiple={false}
                showUploadList={false}
                disabled={busy || !detail}
                beforeUpload={(f) => {
                  chooseFile(f);
                  return Upload.LIST_IGNORE;
                }}
                data-testid="ingest-upload"
              >
                <p className="ant-upload-drag-icon">
                  <InboxOutlined />
                </p>
                <p className="ant-upload-text">{t('ingest.upload.dropHint')}</p>
                <p className="ant-upload-hint">
                  {tabular ? t('ingest.upload.dropSubHint') : t('ingest.upload.dropSubHintFile')}
                </p>
              </Upload.Dragger>
              {fileError ? (
                <Alert type="error" showIcon title={fileError} data-testid="ingest-file-error" />
              ) : null}
              {file ? (
                <div
                  style={{ display: 'flex', alignItems: 'center', gap: 8 }}
                  data-testid="ingest-file"
                >
                  <FileOutlined />
                  <Typography.Text strong ellipsis style={{ maxWidth: '60%' }}>
                    {file.name}
                  </Typography.Text>
                  <Typography.Text type="secondary">{formatBytes(file.size)}</Typography.Text>
                  <Button
                    type="text"
                    size="small"
                    icon={<DeleteOutlined />}
                    disabled={busy}
                    aria-label={t('ingest.upload.removeFile')}
                    onClick={() => {
                      setFile(null);
                    }}
                    data-testid="ingest-remove-file"
                  />
                </div>
              ) : null}

              <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8 }}>
                {busy ? (
                  <Button
                    danger
                    disabled={phase === 'committing'}
                    onClick={() => {
                      controllerRef.current?.abort();
                    }}
                    data-testid="ingest-cancel"
                  >
                    {t('ingest.upload.cancel')}
                  </Button>
                ) : null}
                <Button
                  type="primary"
                  icon={<CloudUploadOutlined />}
                  loading={busy}
                  disabled={!file || !detail}
                  onClick={() => {
                    void start();
                  }}
                  data-testid="ingest-start"
                >
                  {busy ? t('ingest.upload.running') : t('ingest.upload.start')}
                </Button>
              </div>
            </Space>
            {progress}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          {version.error ? (
            <LoadError error={version.error} onRetry={version.reload} />
          ) : detail && tabular ? (
            <HeaderHelp version={detail} mode={mode} disabled={busy} />
          ) : (
            <Card title={t('ingest.header.title')} size="small">
              {detail ? (
                <Typography.Text type="secondary">{t('ingest.header.notTabular')}</Typography.Text>
              ) : summary ? (
                <Spin />
              ) : (
                <Empty
                  image={Empty.PRESENTED_IMAGE_SIMPLE}
                  description={
                    resources.error
                      ? errorText(t, resources.error)
                      : resources.data?.length === 0
                        ? t('ingest.noPublishedResources')
                        : t('ingest.chooseResourceFirst')
                  }
                />
              )}
            </Card>
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('ingest.upload.precheckHint')}{' '}
            <Link to="/aggregation/precheck">{t('ingest.upload.precheck')}</Link>
          </Typography.Paragraph>
        </Col>
        {result && detail ? (
          <Col span={24}>
            <ResultCard result={result} version={detail} tabular={tabular} />
          </Col>
        ) : null}
        {failure && detail ? (
          <Col span={24}>
            <FailureCard failure={failure} version={detail} />
          </Col>
        ) : null}
      </Row>
    </>
  );
}
