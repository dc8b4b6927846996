import {
  CheckCircleFilled,
  CloseCircleFilled,
  DeleteOutlined,
  FileExcelOutlined,
  FileTextOutlined,
  InboxOutlined,
  PlayCircleOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Empty,
  Input,
  Progress,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ExportButton } from '../../components/ExportButton';
import { PageHeader } from '../../components/common';
import { errorText } from '../../errors';
import { exportFileName, exportRows, readSheets } from '../../excel';
import type { SheetData } from '../../excel';
import {
  MAX_VALUES,
  MAX_VALUE_LENGTH,
  VALIDATOR_KINDS,
  chunkValues,
  columnValues,
  countLines,
  decodeText,
  guessColumn,
  localized,
  sheetColumns,
  valuesFromText,
} from './values';
import type {
  CheckedValue,
  LocalizedText,
  SourceValue,
  ValidateResponse,
  ValidatorKind,
} from './values';

const MAX_FILE_MB = 20;

/** Shown in the paste box as the expected shape of a value. */
const EXAMPLES: Record<ValidatorKind, string> = {
  'id-card': '11010519491231002X',
  'credit-code': '91350100M000100Y43',
  mobile: '13800138000',
  'region-code': '110105',
  date: '2026-03-01',
};

type Source = 'paste' | 'file';
type Filter = 'all' | 'invalid' | 'valid';

type LoadedFile =
  | { type: 'text'; name: string; text: string; csv: boolean }
  | { type: 'xlsx'; name: string; sheets: SheetData[] };

interface RunState {
  phase: 'running' | 'done' | 'stopped' | 'failed';
  /** Values checked so far (a prefix of the input). */
  done: number;
  total: number;
  batch: number;
  batches: number;
  error: string | null;
}

interface Report {
  kind: ValidatorKind;
  total: number;
  results: CheckedValue[];
}

/** 33.3%; never 100% (or 0%) while some values are invalid (or valid). */
function formatRate(valid: number, total: number): string {
  if (total === 0) return '0%';
  let rate = Math.round((valid / total) * 1000) / 10;
  if (valid < total) rate = Math.min(rate, 99.9);
  if (valid > 0) rate = Math.max(rate, 0.1);
  return `${String(rate)}%`;
}

/**
 * 数据校验: checks pasted or uploaded values with the validators ingestion applies (POST /validate,
 * in batches of 10,000), lists the invalid ones with the reason and exports them to Excel.
 */
export function PrecheckPage() {
  const { t, i18n: i18next } = useTranslation();
  const [kind, setKind] = useState<ValidatorKind>('id-card');
  const [source, setSource] = useState<Source>('paste');
  const [text, setText] = useState('');
  const [file, setFile] = useState<LoadedFile | null>(null);
  const [reading, setReading] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const [sheetName, setSheetName] = useState<string | null>(null);
  const [column, setColumn] = useState(0);
  const [skipFirst, setSkipFirst] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [run, setRun] = useState<RunState | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [page, setPage] = useState({ current: 1, pageSize: 20 });
  const controllerRef = useRef<AbortController | null>(null);
  const language = i18next.language;
  const num = (n: number) => n.toLocaleString(language === 'en' ? 'en' : 'zh-CN');

  useEffect(
    () => () => {
      controllerRef.current?.abort();
    },
    [],
  );

  const pasteCount = useMemo(() => countLines(text), [text]);
  const sheet =
    file?.type === 'xlsx' ? (file.sheets.find((s) => s.name === sheetName) ?? null) : null;
  const columns = useMemo(() => (sheet ? sheetColumns(sheet) : []), [sheet]);
  const fileValues = useMemo(() => {
    if (!file) return null;
    if (file.type === 'text') {
      return { values: valuesFromText(file.text, { csv: file.csv, skipFirst }), imprecise: 0 };
    }
    return sheet ? columnValues(sheet, column) : { values: [], imprecise: 0 };
  }, [file, sheet, column, skipFirst]);

  const running = run?.phase === 'running';

  const chooseKind = (next: ValidatorKind) => {
    setKind(next);
    setNotice(null);
    // A sheet with a 身份证号码 and a 手机号码 column: follow the kind to its column.
    const guessed = guessColumn(columns, next);
    if (guessed !== null) setColumn(guessed);
  };

  const chooseSheet = (name: string, sheets: SheetData[]) => {
    setSheetName(name);
    const chosen = sheets.find((s) => s.name === name);
    setColumn(chosen ? (guessColumn(sheetColumns(chosen), kind) ?? 0) : 0);
  };

  const readFile = async (f: File) => {
    setFileError(null);
    setNotice(null);
    const ext = /\.([^.]+)$/.exec(f.name)?.[1]?.toLowerCase() ?? '';
    if (!['txt', 'csv', 'xlsx'].includes(ext)) {
      setFileError(t('precheck.fileType'));
      return;
    }
    if (f.size > MAX_FILE_MB * 1024 * 1024) {
      setFileError(t('precheck.fileTooLarge', { size: MAX_FILE_MB }));
      return;
    }
    setReading(true);
    try {
      if (ext === 'xlsx') {
        const sheets = await readSheets(f);
        // The first sheet with data below its header row (a workbook may open with 说明).
        const first = sheets.find((s) => s.rows.length > 1) ?? sheets[0];
        if (!first) {
          setFileError(t('precheck.noSheet'));
          return;
        }
        setFile({ type: 'xlsx', name: f.name, sheets });
        chooseSheet(first.name, sheets);
      } else {
        setFile({
          type: 'text',
          name: f.name,
          text: decodeText(await f.arrayBuffer()),
          csv: ext === 'csv',
        });
        setSkipFirst(false);
      }
    } catch (e) {
      console.error(e);
      setFileError(t('precheck.unreadable', { name: f.name }));
    } finally {
      setReading(false);
    }
  };

  const removeFile = () => {
    setFile(null);
    setSheetName(null);
    setColumn(0);
    setFileError(null);
    setNotice(null);
  };

  const start = async () => {
    const values: SourceValue[] =
      source === 'paste' ? valuesFromText(text) : (fileValues?.values ?? []);
    if (values.length === 0) {
      setNotice(source === 'file' && file ? t('precheck.emptyFile') : t('precheck.empty'));
      return;
    }
    if (values.length > MAX_VALUES) {
      setNotice(t('precheck.tooMany', { max: num(MAX_VALUES), number: num(values.length) }));
      return;
    }
    setNotice(null);
    const controller = new AbortController();
    controllerRef.current = controller;

    // Values the server would refuse as a whole request are reported here instead.
    const checked: (CheckedValue | undefined)[] = new Array<CheckedValue | undefined>(
      values.length,
    );
    const send: number[] = [];
    const tooLong: LocalizedText = {
      zh: t('precheck.tooLong', { lng: 'zh-CN', max: MAX_VALUE_LENGTH }),
      en: t('precheck.tooLong', { lng: 'en', max: MAX_VALUE_LENGTH }),
    };
    values.forEach((v, index) => {
      if (v.value.length > MAX_VALUE_LENGTH) {
        checked[index] = { ...v, valid: false, reason: tooLong };
      } else {
        send.push(index);
      }
    });
    const chunks = chunkValues(send.map((index) => values[index]?.value ?? ''));
    const total = values.length;
    let done = send.length === 0 ? total : 0;
    let offset = 0;
    const collected = () => ({
      kind,
      total,
      results: checked.slice(0, done).filter((r): r is CheckedValue => r !== undefined),
    });

    setReport(null);
    setPage((p) => ({ ...p, current: 1 }));
    setRun({
      phase: 'running',
      done: 0,
      total,
      batch: 1,
      batches: chunks.length,
      error: null,
    });
    try {
      for (const [index, chunk] of chunks.entries()) {
        const progress = { done, batch: index + 1 };
        setRun((r) => (r ? { ...r, ...progress } : r));
        const response = await api.post<ValidateResponse>(
          '/validate',
          { kind, values: chunk },
          { signal: controller.signal },
        );
        const indices = send.slice(offset, offset + chunk.length);
        response.results.forEach((result, j) => {
          const at = indices[j];
          const value = at === undefined ? undefined : values[at];
          if (at === undefined || !value) return;
          checked[at] = { ...value, valid: result.valid, reason: result.reason ?? null };
        });
        offset += chunk.length;
        done = index === chunks.length - 1 ? total : (indices[indices.length - 1] ?? 0) + 1;
      }
      const finished = collected();
      setReport(finished);
      setFilter(finished.results.some((r) => !r.valid) ? 'invalid' : 'all');
      setRun((r) => (r ? { ...r, phase: 'done', done: total } : r));
    } catch (e) {
      const stopped = e instanceof DOMException && e.name === 'AbortError';
      const partial = collected();
      setReport(partial.results.length > 0 ? partial : null);
      setFilter('all');
      const end = {
        phase: stopped ? ('stopped' as const) : ('failed' as const),
        done,
        error: stopped ? null : errorText(t, e),
      };
      setRun((r) => (r ? { ...r, ...end } : r));
    } finally {
      if (controllerRef.current === controller) controllerRef.current = null;
    }
  };

  const results = useMemo(() => report?.results ?? [], [report]);
  const validCount = useMemo(() => results.filter((r) => r.valid).length, [results]);
  const invalidCount = results.length - validCount;
  const shown = useMemo(
    () =>
      filter === 'all' ? results : results.filter((r) => (filter === 'valid' ? r.valid : !r.valid)),
    [results, filter],
  );

  const exportInvalid = async () => {
    if (!report) return;
    const kindLabel = t(`precheck.kinds.${report.kind}`);
    await exportRows<CheckedValue>({
      filename: exportFileName(t('precheck.exportName', { kind: kindLabel })),
      sheetName: t('precheck.exportSheet'),
      columns: [
        { header: t('precheck.line'), width: 8, value: (r) => r.line },
        { header: t('precheck.value'), width: 28, value: (r) => r.value },
        { header: t('precheck.reason'), width: 60, value: (r) => localized(r.reason, language) },
      ],
      rows: results.filter((r) => !r.valid),
    });
  };

  const tableColumns: TableColumnsType<CheckedValue> = [
    { title: t('precheck.line'), dataIndex: 'line', width: 80 },
    {
      title: t('precheck.value'),
      dataIndex: 'value',
      width: 240,
      render: (value: string) => (
        <Typography.Text copyable={{ text: value }} className="mono">
          {value}
        </Typography.Text>
      ),
    },
    {
      title: t('precheck.result'),
      dataIndex: 'valid',
      width: 100,
      render: (valid: boolean) =>
        valid ? (
          <Tag color="success" icon={<CheckCircleFilled />}>
            {t('precheck.valid')}
          </Tag>
        ) : (
          <Tag color="error" icon={<CloseCircleFilled />}>
            {t('precheck.invalid')}
          </Tag>
        ),
    },
    {
      title: t('precheck.reason'),
      dataIndex: 'reason',
      render: (reason: LocalizedText | null) =>
        reason ? localized(reason, language) : t('common.none'),
    },
  ];

  const percent = run && run.total > 0 ? Math.round((run.done / run.total) * 100) : 0;

  const fileCount = fileValues?.values.length ?? 0;
  const filePanel = (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Upload.Dragger
        accept=".txt,.csv,.xlsx,text/plain,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        multiple={false}
        showUploadList={false}
        disabled={reading || running}
        beforeUpload={(f) => {
          void readFile(f);
          return Upload.LIST_IGNORE;
        }}
        data-testid="precheck-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('precheck.dropHint')}</p>
        <p className="ant-upload-hint">{t('precheck.dropSubHint')}</p>
      </Upload.Dragger>
      {reading ? (
        <Space>
          <Spin size="small" />
          <Typography.Text type="secondary">{t('precheck.readingFile')}</Typography.Text>
        </Space>
      ) : null}
      {fileError ? (
        <Alert type="error" showIcon title={fileError} data-testid="precheck-file-error" />
      ) : null}
      {file && !reading ? (
        <div className="precheck-file" data-testid="precheck-file">
          <div className="precheck-file-name">
            <Typography.Text strong>
              {file.type === 'xlsx' ? <FileExcelOutlined /> : <FileTextOutlined />} {file.name}
            </Typography.Text>
            <Button
              type="text"
              size="small"
              icon={<DeleteOutlined />}
              disabled={running}
              onClick={removeFile}
              aria-label={t('precheck.removeFile')}
              data-testid="precheck-remove-file"
            />
          </div>
          {file.type === 'xlsx' ? (
            <Row gutter={12}>
              <Col xs={24} sm={12}>
                <Typography.Text type="secondary">{t('precheck.sheet')}</Typography.Text>
                <Select
                  style={{ width: '100%' }}
                  value={sheetName}
                  disabled={running}
                  onChange={(name: string) => {
                    chooseSheet(name, file.sheets);
                  }}
                  options={file.sheets.map((s) => ({ value: s.name, label: s.name }))}
                  data-testid="precheck-sheet"
                />
              </Col>
              <Col xs={24} sm={12}>
                <Typography.Text type="secondary">{t('precheck.column')}</Typography.Text>
                <Select
                  style={{ width: '100%' }}
                  value={columns.length > 0 ? column : null}
                  disabled={running || columns.length === 0}
                  onChange={(value: number) => {
                    setColumn(value);
                  }}
                  options={columns.map((c) => ({
                    value: c.index,
                    label: c.header
                      ? t('precheck.columnOption', { letter: c.letter, header: c.header })
                      : t('precheck.columnOptionBare', { letter: c.letter }),
                  }))}
                  data-testid="precheck-column"
                />
              </Col>
            </Row>
          ) : (
            <Checkbox
              checked={skipFirst}
              disabled={running}
              onChange={(e) => {
                setSkipFirst(e.target.checked);
              }}
              data-testid="precheck-skip-first"
            >
              {t('precheck.skipFirst')}
            </Checkbox>
          )}
          <Typography.Text type="secondary" data-testid="precheck-file-count">
            {t('precheck.count', { number: num(fileCount) })}
          </Typography.Text>
          {fileValues && fileValues.imprecise > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={t('precheck.imprecise', { number: num(fileValues.imprecise) })}
              data-testid="precheck-imprecise"
            />
          ) : null}
        </div>
      ) : null}
    </Space>
  );

  return (
    <>
      <PageHeader title={t('precheck.title')} description={t('precheck.description')} />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card title={t('precheck.inputTitle')} data-testid="precheck-input">
          <Row gutter={[24, 16]}>
            <Col xs={24} lg={9}>
              <Typography.Title level={5} style={{ marginTop: 0 }}>
                {t('precheck.kind')}
              </Typography.Title>
              <Radio.Group
                orientation="vertical"
                value={kind}
                disabled={running}
                onChange={(e) => {
                  chooseKind(e.target.value as ValidatorKind);
                }}
                options={VALIDATOR_KINDS.map((k) => ({
                  value: k,
                  label: (
                    <span className="precheck-kind" data-testid={`precheck-kind-${k}`}>
                      <span>{t(`precheck.kinds.${k}`)}</span>
                      <Typography.Text type="secondary" className="precheck-kind-hint">
                        {t(`precheck.kindHints.${k}`)}
                      </Typography.Text>
                    </span>
                  ),
                }))}
                data-testid="precheck-kind"
              />
            </Col>
            <Col xs={24} lg={15}>
              <Tabs
                activeKey={source}
                onChange={(key) => {
                  setSource(key as Source);
                  setNotice(null);
                }}
                style={{ marginTop: -12 }}
                items={[
                  {
                    key: 'paste',
                    label: t('precheck.tabPaste'),
                    children: (
                      <>
                        <Input.TextArea
                          value={text}
                          onChange={(e) => {
                            setText(e.target.value);
                            setNotice(null);
                          }}
                          disabled={running}
                          rows={10}
                          spellCheck={false}
                          className="mono"
                          placeholder={t('precheck.pastePlaceholder', {
                            example: EXAMPLES[kind],
                          })}
                          data-testid="precheck-text"
                        />
                        <div className="precheck-count">
                          <Typography.Text type="secondary" data-testid="precheck-count">
                            {t('precheck.count', { number: num(pasteCount) })}
                          </Typography.Text>
                        </div>
                      </>
                    ),
                  },
                  { key: 'file', label: t('precheck.tabFile'), children: filePanel },
                ]}
                data-testid="precheck-source"
              />
            </Col>
          </Row>
          {notice ? (
            <Alert
              type="warning"
              showIcon
              title={notice}
              style={{ marginTop: 16 }}
              data-testid="precheck-notice"
            />
          ) : null}
          <div className="precheck-actions">
            <div className="precheck-progress">
              {/* A single batch needs no bar once done: the results speak for it. */}
              {run && (run.phase !== 'done' || run.batches > 1) ? (
                <div data-testid="precheck-progress">
                  <Progress
                    percent={percent}
                    status={
                      run.phase === 'running'
                        ? 'active'
                        : run.phase === 'failed'
                          ? 'exception'
                          : run.phase === 'done'
                            ? 'success'
                            : 'normal'
                    }
                  />
                  <Typography.Text type="secondary">
                    {t('precheck.progress', {
                      done: num(run.done),
                      total: num(run.total),
                      batch: run.batch,
                      batches: run.batches,
                    })}
                  </Typography.Text>
                </div>
              ) : null}
            </div>
            <Space>
              {running ? (
                <Button
                  danger
                  onClick={() => {
                    controllerRef.current?.abort();
                  }}
                  data-testid="precheck-stop"
                >
                  {t('precheck.stop')}
                </Button>
              ) : null}
              <Button
                type="primary"
                icon={<PlayCircleOutlined />}
                loading={running}
                disabled={reading}
                onClick={() => {
                  void start();
                }}
                data-testid="precheck-run"
              >
                {t('precheck.run')}
              </Button>
            </Space>
          </div>
          {run?.phase === 'stopped' ? (
            <Alert
              type="info"
              showIcon
              title={t('precheck.stopped', { done: num(run.done), total: num(run.total) })}
              style={{ marginTop: 12 }}
              data-testid="precheck-stopped"
            />
          ) : null}
          {run?.phase === 'failed' ? (
            <Alert
              type="error"
              showIcon
              title={t('precheck.failed', { message: run.error ?? '' })}
              description={
                report
                  ? t('precheck.partial', { done: num(run.done), total: num(run.total) })
                  : undefined
              }
              style={{ marginTop: 12 }}
              data-testid="precheck-error"
            />
          ) : null}
        </Card>

        <Card
          title={t('precheck.resultTitle')}
          extra={
            report ? (
              <Space wrap>
                <Tag color="blue" data-testid="precheck-result-kind">
                  {t('precheck.resultKind', { kind: t(`precheck.kinds.${report.kind}`) })}
                </Tag>
                <ExportButton
                  onExport={exportInvalid}
                  disabled={invalidCount === 0}
                  testId="precheck-export"
                />
              </Space>
            ) : null
          }
          data-testid="precheck-result"
        >
          {report ? (
            <>
              <div className="precheck-summary" data-testid="precheck-summary">
                <Progress
                  type="circle"
                  size={96}
                  percent={100}
                  success={{
                    percent: results.length ? (validCount / results.length) * 100 : 0,
                    strokeColor: '#52c41a',
                  }}
                  strokeColor="#ff7875"
                  format={() => (
                    <span className="precheck-rate">
                      <strong>{formatRate(validCount, results.length)}</strong>
                      <span>{t('precheck.passRate')}</span>
                    </span>
                  )}
                />
                <Statistic
                  title={t('precheck.total')}
                  value={results.length}
                  data-testid="precheck-total"
                />
                <Statistic
                  title={t('precheck.valid')}
                  value={validCount}
                  styles={{ content: { color: '#389e0d' } }}
                  prefix={<CheckCircleFilled />}
                  data-testid="precheck-valid"
                />
                <Statistic
                  title={t('precheck.invalid')}
                  value={invalidCount}
                  styles={{ content: { color: invalidCount > 0 ? '#cf1322' : undefined } }}
                  prefix={<CloseCircleFilled />}
                  data-testid="precheck-invalid"
                />
              </div>
              <div className="table-toolbar">
                <Segmented<Filter>
                  value={filter}
                  onChange={(value) => {
                    setFilter(value);
                    setPage((p) => ({ ...p, current: 1 }));
                  }}
                  options={[
                    {
                      value: 'all',
                      label: t('precheck.filterAll', { number: num(results.length) }),
                    },
                    {
                      value: 'invalid',
                      label: t('precheck.filterInvalid', { number: num(invalidCount) }),
                    },
                    {
                      value: 'valid',
                      label: t('precheck.filterValid', { number: num(validCount) }),
                    },
                  ]}
                  data-testid="precheck-filter"
                />
              </div>
              <Table<CheckedValue>
                rowKey="line"
                size="small"
                columns={tableColumns}
                dataSource={shown}
                rowClassName={(r) => (r.valid ? '' : 'import-row-error')}
                locale={{
                  emptyText:
                    filter === 'invalid' ? (
                      <Empty
                        image={Empty.PRESENTED_IMAGE_SIMPLE}
                        description={t('precheck.noInvalid')}
                      />
                    ) : undefined,
                }}
                pagination={{
                  ...page,
                  showSizeChanger: true,
                  pageSizeOptions: [20, 50, 100, 500],
                  showTotal: (count) => t('common.total', { count }),
                  onChange: (current, pageSize) => {
                    setPage({ current, pageSize });
                  },
                }}
                data-testid="precheck-table"
              />
            </>
          ) : (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t('precheck.resultEmpty')}
              data-testid="precheck-result-empty"
            />
          )}
        </Card>
      </Space>
    </>
  );
}
