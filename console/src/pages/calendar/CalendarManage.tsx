import {
  CheckSquareOutlined,
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  PlusOutlined,
  ReloadOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Col, Popconfirm, Row, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { LoadError } from '../../components/common';
import { ExportButton } from '../../components/ExportButton';
import { errorText } from '../../errors';
import type { AsyncState } from '../../hooks';
import type { CalendarOverride, CalendarOverrides, Region } from '../../types';
import { CoverageTags, firstUncoveredYear } from './coverage';
import { DeclareYearModal } from './DeclareYearModal';
import { ImportModal } from './ImportModal';
import { OverrideModal, overridePath } from './OverrideModal';
import { DateWithWeekday, DayTypeTag, ScopeLabel } from './parts';
import { downloadTemplate, exportOverrides } from './sheet';

const overrideKey = (o: CalendarOverride) => `${o.regionCode ?? ''}|${o.date}`;

/** 工作日历维护: covered years, the override table, bulk import and year declaration. */
export function CalendarManage({
  overrides,
  regions,
}: {
  overrides: AsyncState<CalendarOverrides>;
  regions: Region[];
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [year, setYear] = useState<number | undefined>(undefined);
  const [scope, setScope] = useState<string | undefined>(undefined);
  const [editor, setEditor] = useState<{ open: boolean; item: CalendarOverride | null }>({
    open: false,
    item: null,
  });
  const [importing, setImporting] = useState(false);
  const [declaring, setDeclaring] = useState<{ open: boolean; year: number }>({
    open: false,
    year: dayjs().year() + 1,
  });
  const [busyKey, setBusyKey] = useState<string | null>(null);

  const items = useMemo(() => overrides.data?.items ?? [], [overrides.data]);
  const coveredYears = useMemo(() => overrides.data?.coveredYears ?? [], [overrides.data]);
  const regionNames = useMemo(() => new Map(regions.map((r) => [r.code, r.name])), [regions]);
  const regionName = (code: string) => regionNames.get(code);

  const years = useMemo(
    () => [...new Set(items.map((o) => Number(o.date.slice(0, 4))))].sort((a, b) => b - a),
    [items],
  );
  const scopes = useMemo(
    () => [...new Set(items.map((o) => o.regionCode).filter((c): c is string => c !== null))],
    [items],
  );
  const shown = items.filter(
    (o) =>
      (year === undefined || o.date.startsWith(`${String(year)}-`)) &&
      (scope === undefined || (scope === '' ? o.regionCode === null : o.regionCode === scope)),
  );

  const openDeclare = (y?: number) => {
    setDeclaring({
      open: true,
      year: y ?? firstUncoveredYear(coveredYears, dayjs().year()),
    });
  };

  const remove = async (item: CalendarOverride) => {
    setBusyKey(overrideKey(item));
    try {
      await api.del<{ ok: boolean }>(overridePath(item.date), {
        query: { regionCode: item.regionCode },
      });
      message.success(t('calendarAdmin.deleted', { date: item.date }));
      overrides.reload();
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setBusyKey(null);
    }
  };

  const getTemplate = async () => {
    try {
      await downloadTemplate(t);
    } catch (e) {
      console.error(e);
      message.error(t('common.exportFailed'));
    }
  };

  const columns: TableColumnsType<CalendarOverride> = [
    {
      title: t('calendarAdmin.date'),
      dataIndex: 'date',
      width: 150,
      sorter: (a, b) => a.date.localeCompare(b.date),
      defaultSortOrder: 'ascend',
      render: (date: string) => <DateWithWeekday date={date} />,
    },
    {
      title: t('calendarAdmin.type'),
      dataIndex: 'working',
      width: 120,
      filters: [
        { text: t('calendarAdmin.typeOff'), value: false },
        { text: t('calendarAdmin.typeWork'), value: true },
      ],
      onFilter: (value, o) => o.working === value,
      render: (working: boolean) => <DayTypeTag working={working} />,
    },
    { title: t('calendarAdmin.name'), dataIndex: 'name', width: 220, ellipsis: true },
    {
      title: t('calendarAdmin.scope'),
      dataIndex: 'regionCode',
      width: 200,
      render: (code: string | null) => <ScopeLabel regionCode={code} regionName={regionName} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      fixed: 'right',
      render: (_: unknown, o) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            icon={<EditOutlined />}
            onClick={() => {
              setEditor({ open: true, item: o });
            }}
          >
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('calendarAdmin.deleteTitle')}
            description={t('calendarAdmin.deleteConfirm', { date: o.date, name: o.name })}
            okText={t('common.delete')}
            okButtonProps={{ danger: true, 'data-testid': 'override-delete-confirm' }}
            onConfirm={() => {
              void remove(o);
            }}
          >
            <Button
              type="link"
              size="small"
              danger
              icon={<DeleteOutlined />}
              loading={busyKey === overrideKey(o)}
              data-testid={`override-delete-${o.regionCode ?? 'national'}-${o.date}`}
            >
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card
            title={t('calendarAdmin.coverageTitle')}
            extra={
              <Button
                icon={<CheckSquareOutlined />}
                onClick={() => {
                  openDeclare();
                }}
                disabled={!overrides.data}
                data-testid="calendar-declare"
              >
                {t('calendarAdmin.declare')}
              </Button>
            }
          >
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              {overrides.data ? <CoverageTags years={coveredYears} /> : null}
              <Typography.Text type="secondary">{t('calendarAdmin.coverageHint')}</Typography.Text>
            </Space>
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('calendarAdmin.overridesTitle')}>
            <div className="table-toolbar">
              <Space wrap>
                <Select
                  allowClear
                  style={{ width: 140 }}
                  placeholder={t('calendarAdmin.filterYear')}
                  value={year}
                  onChange={(v: number | undefined) => {
                    setYear(v);
                  }}
                  options={years.map((y) => ({
                    value: y,
                    label: t('calendarAdmin.yearTag', { year: y }),
                  }))}
                  data-testid="overrides-filter-year"
                />
                <Select
                  allowClear
                  style={{ width: 200 }}
                  placeholder={t('calendarAdmin.filterScope')}
                  value={scope}
                  onChange={(v: string | undefined) => {
                    setScope(v);
                  }}
                  options={[
                    { value: '', label: t('calendarAdmin.national') },
                    ...scopes.map((c) => ({
                      value: c,
                      label: regionName(c) ? `${regionName(c) ?? ''}（${c}）` : c,
                    })),
                  ]}
                />
              </Space>
              <Space wrap>
                <Button
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => {
                    setEditor({ open: true, item: null });
                  }}
                  data-testid="override-add"
                >
                  {t('calendarAdmin.add')}
                </Button>
                <Button
                  icon={<UploadOutlined />}
                  onClick={() => {
                    setImporting(true);
                  }}
                  data-testid="override-import"
                >
                  {t('calendarAdmin.import.button')}
                </Button>
                <Button
                  icon={<DownloadOutlined />}
                  onClick={() => {
                    void getTemplate();
                  }}
                >
                  {t('calendarAdmin.import.template')}
                </Button>
                <ExportButton
                  onExport={() => exportOverrides(shown, t, regionName)}
                  disabled={shown.length === 0}
                  testId="overrides-export"
                />
                <Button icon={<ReloadOutlined />} onClick={overrides.reload}>
                  {t('common.refresh')}
                </Button>
              </Space>
            </div>
            {overrides.error ? (
              <LoadError error={overrides.error} onRetry={overrides.reload} />
            ) : (
              <Table<CalendarOverride>
                rowKey={overrideKey}
                size="middle"
                loading={overrides.loading}
                columns={columns}
                dataSource={shown}
                scroll={{ x: 860 }}
                locale={{ emptyText: t('calendarAdmin.empty') }}
                pagination={{
                  pageSize: 20,
                  hideOnSinglePage: true,
                  showTotal: (n) => t('common.total', { count: n }),
                }}
                data-testid="overrides-table"
              />
            )}
          </Card>
        </Col>
      </Row>

      <OverrideModal
        open={editor.open}
        item={editor.item}
        items={items}
        regions={regions}
        onClose={() => {
          setEditor((e) => ({ ...e, open: false }));
        }}
        onSaved={(saved, created) => {
          setEditor((e) => ({ ...e, open: false }));
          message.success(
            `${created ? t('common.created') : t('common.saved')}：${saved.date} ${saved.name}`,
          );
          overrides.reload();
        }}
      />
      <ImportModal
        open={importing}
        regions={regions}
        items={items}
        coveredYears={coveredYears}
        onClose={() => {
          setImporting(false);
        }}
        onImported={overrides.reload}
        onDeclare={(y) => {
          setImporting(false);
          openDeclare(y);
        }}
      />
      <DeclareYearModal
        open={declaring.open}
        defaultYear={declaring.year}
        items={items}
        coveredYears={coveredYears}
        onClose={() => {
          setDeclaring((d) => ({ ...d, open: false }));
        }}
        onDeclared={(y) => {
          setDeclaring((d) => ({ ...d, open: false }));
          message.success(t('calendarAdmin.declared', { year: y }));
          overrides.reload();
        }}
      />
    </>
  );
}
