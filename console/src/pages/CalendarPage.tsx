import { CalendarOutlined } from '@ant-design/icons';
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
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useMe } from '../auth';
import { PageHeader } from '../components/common';
import { applyFieldErrors, errorText } from '../errors';
import { filterOptionByLabel } from '../format';
import { useRegions } from '../hooks';
import type { WorkingDayResult } from '../types';

interface CalcValues {
  date: Dayjs;
  n: number;
  region: string;
}

export function CalendarPage() {
  const { t } = useTranslation();
  const me = useMe();
  const regions = useRegions();
  const [form] = Form.useForm<CalcValues>();
  const [submitting, setSubmitting] = useState(false);
  const [result, setResult] = useState<WorkingDayResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const regionList = regions.data ?? [];
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
      setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <PageHeader title={t('calendar.title')} description={t('calendar.description')} />
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
            {error ? <Alert type="error" showIcon title={error} data-testid="calc-error" /> : null}
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
          </Card>
        </Col>
      </Row>
    </>
  );
}
