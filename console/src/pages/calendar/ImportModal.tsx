import {
  CheckCircleFilled,
  CloseCircleFilled,
  DownloadOutlined,
  ExclamationCircleFilled,
  InboxOutlined,
} from '@ant-design/icons';
import { Alert, Button, Modal, Progress, Space, Spin, Table, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { errorText } from '../../errors';
import { readFirstSheet } from '../../excel';
import type { CalendarOverride, Region } from '../../types';
import { overridePath } from './OverrideModal';
import { DateWithWeekday, DayTypeTag, ScopeLabel } from './parts';
import { downloadTemplate, parseOverrideSheet } from './sheet';
import type { ImportRow, ParsedSheet } from './sheet';

type RowOutcome = { state: 'done' } | { state: 'failed'; message: string };

type Phase = 'select' | 'preview' | 'running' | 'finished';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Excel import of a year's holiday notice: the file is read and checked in the browser, the rows
 * are previewed with their problems, then the valid rows are saved one by one (PUT per date).
 */
export function ImportModal({
  open,
  regions,
  items,
  coveredYears,
  onClose,
  onImported,
  onDeclare,
}: {
  open: boolean;
  regions: Region[];
  /** Existing overrides, to mark rows that replace one. */
  items: readonly CalendarOverride[];
  coveredYears: readonly number[];
  onClose: () => void;
  /** Called after an import run (even a partial one) so the table reloads. */
  onImported: () => void;
  /** Opens 确认年度已录入 for a year the import filled. */
  onDeclare: (year: number) => void;
}) {
  const { t } = useTranslation();
  const [phase, setPhase] = useState<Phase>('select');
  const [fileName, setFileName] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [parsed, setParsed] = useState<ParsedSheet | null>(null);
  const [outcomes, setOutcomes] = useState<Map<number, RowOutcome>>(new Map());
  const [templateBusy, setTemplateBusy] = useState(false);
  const [templateError, setTemplateError] = useState<string | null>(null);
  const stopRef = useRef(false);

  const regionNames = useMemo(() => new Map(regions.map((r) => [r.code, r.name])), [regions]);
  const existing = useMemo(
    () => new Set(items.map((o) => `${o.date}|${o.regionCode ?? ''}`)),
    [items],
  );

  const rows = parsed?.rows ?? [];
  const valid = rows.filter((r) => r.errors.length === 0);
  const invalidCount = rows.length - valid.length;
  const done = [...outcomes.values()].filter((o) => o.state === 'done').length;
  const failed = [...outcomes.values()].filter((o) => o.state === 'failed').length;
  const processed = done + failed;
  const percent = valid.length === 0 ? 0 : Math.round((processed / valid.length) * 100);

  const reset = () => {
    setPhase('select');
    setFileName(null);
    setParsed(null);
    setOutcomes(new Map());
    setTemplateError(null);
  };

  const readFile = async (file: File) => {
    reset();
    setFileName(file.name);
    if (!/\.xlsx$/i.test(file.name)) {
      setParsed({ rows: [], fileError: t('calendarAdmin.import.notXlsx') });
      setPhase('preview');
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setParsed({ rows: [], fileError: t('calendarAdmin.import.tooLarge') });
      setPhase('preview');
      return;
    }
    setReading(true);
    try {
      const sheetRows = await readFirstSheet(file);
      const codes = regions.length > 0 ? new Set(regions.map((r) => r.code)) : null;
      setParsed(parseOverrideSheet(sheetRows, t, codes));
    } catch (e) {
      console.error(e);
      setParsed({ rows: [], fileError: t('calendarAdmin.import.unreadable') });
    } finally {
      setReading(false);
      setPhase('preview');
    }
  };

  const run = async () => {
    stopRef.current = false;
    setPhase('running');
    setOutcomes(new Map());
    // One request at a time: the server audits each change, and a year's notice is ~40 rows.
    for (const row of valid) {
      if (stopRef.current) break;
      if (!row.date || row.working === null) continue;
      let outcome: RowOutcome;
      try {
        await api.put<CalendarOverride>(overridePath(row.date), {
          working: row.working,
          name: row.name,
          ...(row.regionCode ? { regionCode: row.regionCode } : {}),
        });
        outcome = { state: 'done' };
      } catch (e) {
        outcome = { state: 'failed', message: errorText(t, e) };
      }
      setOutcomes((prev) => new Map(prev).set(row.rowNumber, outcome));
    }
    setPhase('finished');
    onImported();
  };

  const importedYears = useMemo(() => {
    const years = new Set<number>();
    for (const row of valid) {
      if (row.date && outcomes.get(row.rowNumber)?.state === 'done') {
        years.add(Number(row.date.slice(0, 4)));
      }
    }
    return [...years].sort((a, b) => a - b);
  }, [valid, outcomes]);
  const undeclared = importedYears.filter((y) => !coveredYears.includes(y));

  const getTemplate = async () => {
    setTemplateBusy(true);
    setTemplateError(null);
    try {
      await downloadTemplate(t);
    } catch (e) {
      console.error(e);
      setTemplateError(t('common.exportFailed'));
    } finally {
      setTemplateBusy(false);
    }
  };

  const statusCell = (row: ImportRow) => {
    const outcome = outcomes.get(row.rowNumber);
    if (row.errors.length > 0) {
      return (
        <Space orientation="vertical" size={0}>
          {row.errors.map((message) => (
            <Typography.Text key={message} type="danger">
              <CloseCircleFilled /> {message}
            </Typography.Text>
          ))}
        </Space>
      );
    }
    if (outcome?.state === 'done') {
      return (
        <Typography.Text type="success">
          <CheckCircleFilled /> {t('calendarAdmin.import.rowDone')}
        </Typography.Text>
      );
    }
    if (outcome?.state === 'failed') {
      return (
        <Typography.Text type="danger">
          <CloseCircleFilled /> {outcome.message}
        </Typography.Text>
      );
    }
    if (row.date && existing.has(`${row.date}|${row.regionCode ?? ''}`)) {
      return (
        <Typography.Text type="warning">
          <ExclamationCircleFilled /> {t('calendarAdmin.import.rowReplaces')}
        </Typography.Text>
      );
    }
    return <Typography.Text type="secondary">{t('calendarAdmin.import.rowReady')}</Typography.Text>;
  };

  const columns: TableColumnsType<ImportRow> = [
    { title: t('calendarAdmin.import.row'), dataIndex: 'rowNumber', width: 64 },
    {
      title: t('calendarAdmin.date'),
      dataIndex: 'date',
      width: 140,
      render: (date: string | null) => (date ? <DateWithWeekday date={date} /> : '—'),
    },
    {
      title: t('calendarAdmin.type'),
      dataIndex: 'working',
      width: 96,
      render: (working: boolean | null) =>
        working === null ? '—' : <DayTypeTag working={working} />,
    },
    {
      title: t('calendarAdmin.name'),
      dataIndex: 'name',
      width: 150,
      ellipsis: true,
      render: (name: string) => name || '—',
    },
    {
      title: t('calendarAdmin.scope'),
      dataIndex: 'regionCode',
      width: 150,
      render: (code: string | null) => (
        <ScopeLabel regionCode={code} regionName={(c) => regionNames.get(c)} />
      ),
    },
    {
      title: t('calendarAdmin.import.check'),
      key: 'status',
      render: (_: unknown, row) => statusCell(row),
    },
  ];

  const running = phase === 'running';
  const close = () => {
    if (running) return;
    reset();
    onClose();
  };

  const footer = [
    <Button
      key="template"
      icon={<DownloadOutlined />}
      loading={templateBusy}
      onClick={() => void getTemplate()}
      data-testid="import-template"
    >
      {t('calendarAdmin.import.template')}
    </Button>,
  ];
  if (running) {
    footer.push(
      <Button
        key="stop"
        danger
        onClick={() => {
          stopRef.current = true;
        }}
      >
        {t('calendarAdmin.import.stop')}
      </Button>,
    );
  } else {
    footer.push(
      <Button key="close" onClick={close} data-testid="import-close">
        {phase === 'finished' ? t('common.close') : t('common.cancel')}
      </Button>,
    );
  }
  if (phase === 'preview' && parsed && !parsed.fileError) {
    footer.push(
      <Button
        key="run"
        type="primary"
        disabled={valid.length === 0}
        onClick={() => void run()}
        data-testid="import-run"
      >
        {t('calendarAdmin.import.run', { count: valid.length })}
      </Button>,
    );
  }

  return (
    <Modal
      open={open}
      title={t('calendarAdmin.import.title')}
      width={980}
      onCancel={close}
      closable={!running}
      mask={{ closable: false }}
      keyboard={!running}
      footer={footer}
      destroyOnHidden
    >
      <div data-testid="import-modal">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {t('calendarAdmin.import.intro')}
        </Typography.Paragraph>
        {templateError ? (
          <Alert type="error" showIcon title={templateError} style={{ marginBottom: 12 }} />
        ) : null}
        {phase === 'select' || phase === 'preview' ? (
          <Upload.Dragger
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            multiple={false}
            showUploadList={false}
            disabled={reading}
            beforeUpload={(file) => {
              void readFile(file);
              return Upload.LIST_IGNORE;
            }}
            style={{ marginBottom: 16 }}
            data-testid="import-dragger"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">
              {fileName
                ? t('calendarAdmin.import.chosen', { name: fileName })
                : t('calendarAdmin.import.drop')}
            </p>
            <p className="ant-upload-hint">{t('calendarAdmin.import.dropHint')}</p>
          </Upload.Dragger>
        ) : null}

        {reading ? (
          <div className="page-loading" style={{ padding: '24px 0' }}>
            <Spin />
          </div>
        ) : null}

        {parsed?.fileError ? (
          <Alert type="error" showIcon title={parsed.fileError} data-testid="import-file-error" />
        ) : null}

        {parsed && !parsed.fileError ? (
          <>
            {phase === 'preview' ? (
              <Alert
                type={invalidCount > 0 ? 'warning' : 'info'}
                showIcon
                style={{ marginBottom: 12 }}
                title={
                  invalidCount > 0
                    ? t('calendarAdmin.import.summaryWithErrors', {
                        total: rows.length,
                        valid: valid.length,
                        invalid: invalidCount,
                      })
                    : t('calendarAdmin.import.summary', { total: rows.length })
                }
                data-testid="import-summary"
              />
            ) : null}
            {phase === 'running' || phase === 'finished' ? (
              <div style={{ marginBottom: 12 }} data-testid="import-progress">
                <Progress
                  percent={percent}
                  status={running ? 'active' : failed > 0 ? 'exception' : 'success'}
                />
                <Typography.Text type="secondary">
                  {t('calendarAdmin.import.progress', {
                    processed,
                    total: valid.length,
                    done,
                    failed,
                  })}
                </Typography.Text>
              </div>
            ) : null}
            {phase === 'finished' ? (
              <Alert
                type={failed > 0 || processed < valid.length ? 'warning' : 'success'}
                showIcon
                style={{ marginBottom: 12 }}
                title={t('calendarAdmin.import.finished', {
                  done,
                  failed,
                  skipped: invalidCount + (valid.length - processed),
                })}
                description={
                  undeclared.length > 0
                    ? t('calendarAdmin.import.declareHint', { years: undeclared.join('、') })
                    : undefined
                }
                action={
                  undeclared.length > 0 ? (
                    <Space orientation="vertical">
                      {undeclared.map((year) => (
                        <Button
                          key={year}
                          size="small"
                          type="primary"
                          onClick={() => {
                            reset();
                            onDeclare(year);
                          }}
                        >
                          {t('calendarAdmin.declareYear', { year })}
                        </Button>
                      ))}
                    </Space>
                  ) : undefined
                }
                data-testid="import-result"
              />
            ) : null}
            <Table<ImportRow>
              rowKey="rowNumber"
              size="small"
              columns={columns}
              dataSource={rows}
              pagination={false}
              scroll={{ y: 360 }}
              rowClassName={(row) => (row.errors.length > 0 ? 'import-row-error' : '')}
              data-testid="import-preview"
            />
          </>
        ) : null}
      </div>
    </Modal>
  );
}
