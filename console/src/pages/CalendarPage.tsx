import { CalendarOutlined, ToolOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Tabs,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { hasAbility, useMe } from '../auth';
import { PageHeader } from '../components/common';
import { applyFieldErrors, errorText } from '../errors';
import { filterOptionByLabel } from '../format';
import { useRegions } from '../hooks';
import type { AsyncState } from '../hooks';
import type { CalendarOverrides, Region, WorkingDayResult } from '../types';
import { CalendarManage } from './calendar/CalendarManage';
import { CoverageAlert, CoverageTags, useCalendarOverrides } from './calendar/coverage';

interface CalcValues {
  date: Dayjs;
  n: number;
  region: string;
}

/** A VALIDATION error about the date, e.g. a deadline running into a year the calendar lacks. */
function isCoverageError(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'VALIDATION' && 'date' in error.fields;
}

function Calculator({
  regionList,
  overrides,
}: {
  regionList: Region[];
  overrides: AsyncState<CalendarOverrides>;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [form] = Form.useForm<CalcValues>();
  const [submitting, setSubmitting] = useState(false);
  const [result, setResult] = useState<WorkingDayResult | null>(null);
  const [error, setError] = useState<{ text: string; coverage: boolean } | null>(null);

  const defaultRegion = me.memberships[0]?.regionCode;

  const onFinish = async (values: CalcValues) => {
    setSubmitting(true);
    setError(null);
    setResult(null);
    try {
      const res = await api.get<WorkingDayResult>('/calendar/add-working-days', {
        query: {
          date: values.date.format('YYYY-MM-DD'),
          n: values.n,
          region: values.region.trim(),
        },
      });
      setResult(res);
    } catch (e) {
      applyFieldErrors(form, e);
      setError({ text: errorText(t, e), coverage: isCoverageError(e) });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card>
            <Form<CalcValues>
              form={form}
              layout="vertical"
              initialValues={{ date: dayjs(), n: 5, region: defaultRegion }}
              onFinish={(values) => {
                void onFinish(values);
              }}
            >
              <Form.Item
                name="date"
                label={t('calendar.date')}
                rules={[{ required: true, message: t('calendar.dateRequired') }]}
              >
                <DatePicker style={{ width: '100%' }} allowClear={false} data-testid="calc-date" />
              </Form.Item>
              <Form.Item
                name="n"
                label={t('calendar.n')}
                rules={[{ required: true, message: t('calendar.nRequired') }]}
              >
                <InputNumber
                  min={0}
                  max={366}
                  precision={0}
                  style={{ width: '100%' }}
                  data-testid="calc-n"
                />
              </Form.Item>
              <Form.Item
                name="region"
                label={t('calendar.region')}
                rules={[
                  { required: true, whitespace: true, message: t('calendar.regionRequired') },
                ]}
              >
                {regionList.length > 0 ? (
                  <Select
                    showSearch={{ filterOption: filterOptionByLabel }}
                    options={regionList.map((r) => ({
                      value: r.code,
                      label: `${r.name}（${r.code}）`,
                    }))}
                    data-testid="calc-region"
                  />
                ) : (
                  <Input maxLength={6} className="mono" data-testid="calc-region" />
                )}
              </Form.Item>
              <Button
                type="primary"
                htmlType="submit"
                icon={<CalendarOutlined />}
                loading={submitting}
                data-testid="calc-submit"
              >
                {t('calendar.submit')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('calendar.result')} style={{ height: '100%' }}>
            {error ? (
              <Alert
                type="error"
                showIcon
                title={error.coverage ? t('calendar.coverageErrorTitle') : error.text}
                description={error.coverage ? error.text : undefined}
                data-testid="calc-error"
              />
            ) : null}
            {result ? (
              <div data-testid="calc-result">
                <Typography.Text type="secondary">
                  {t('calendar.resultText', { start: result.start, n: result.n })}
                </Typography.Text>
                <div className="calc-result-date">
                  {result.date}{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 16, fontWeight: 400 }}>
                    {dayjs(result.date).format('dddd')}
                  </Typography.Text>
                </div>
              </div>
            ) : null}
            {!error && !result ? (
              <Typography.Text type="secondary">{t('calendar.hint')}</Typography.Text>
            ) : null}
            {result ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
                {t('calendar.hint')}
              </Typography.Paragraph>
            ) : null}
            {overrides.data ? (
              <div className="calc-coverage">
                <Space size={8} wrap align="center">
                  <Typography.Text type="secondary">{t('calendar.coveredYears')}</Typography.Text>
                  <CoverageTags years={overrides.data.coveredYears} />
                </Space>
              </div>
            ) : null}
          </Card>
        </Col>
      </Row>
    </>
  );
}

type TabKey = 'calc' | 'manage';

export function CalendarPage() {
  const { t } = useTranslation();
  const me = useMe();
  const canManage = hasAbility(me, 'calendar.manage');
  const regions = useRegions();
  const overrides = useCalendarOverrides();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = canManage && params.get('tab') === 'manage' ? 'manage' : 'calc';
  const regionList = regions.data ?? [];

  const setTab = (key: TabKey) => {
    setParams(key === 'calc' ? {} : { tab: key }, { replace: true });
  };

  const calculator = <Calculator regionList={regionList} overrides={overrides} />;

  return (
    <>
      <PageHeader
        title={t('calendar.title')}
        description={canManage ? t('calendar.descriptionAdmin') : t('calendar.description')}
      />
      {overrides.data ? (
        <CoverageAlert
          coveredYears={overrides.data.coveredYears}
          canManage={canManage}
          onManage={
            tab === 'manage'
              ? undefined
              : () => {
                  setTab('manage');
                }
          }
        />
      ) : null}
      {canManage ? (
        <Tabs
          activeKey={tab}
          onChange={(key) => {
            setTab(key === 'manage' ? 'manage' : 'calc');
          }}
          items={[
            {
              key: 'calc',
              label: t('calendar.tabCalc'),
              icon: <CalendarOutlined />,
              children: calculator,
            },
            {
              key: 'manage',
              label: t('calendar.tabManage'),
              icon: <ToolOutlined />,
              children: <CalendarManage overrides={overrides} regions={regionList} />,
            },
          ]}
          data-testid="calendar-tabs"
        />
      ) : (
        calculator
      )}
    </>
  );
}
