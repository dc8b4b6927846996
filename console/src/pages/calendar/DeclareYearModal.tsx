import { Alert, Descriptions, Form, Input, InputNumber, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { applyFieldErrors, errorText } from '../../errors';
import type { CalendarOverride } from '../../types';

interface DeclareValues {
  year: number;
  note: string;
}

/**
 * 确认年度已录入: declares a year complete once its State Council holiday notice has been entered
 * as overrides, after which deadlines may run into that year.
 */
export function DeclareYearModal({
  open,
  defaultYear,
  items,
  coveredYears,
  onClose,
  onDeclared,
}: {
  open: boolean;
  defaultYear: number;
  items: readonly CalendarOverride[];
  coveredYears: readonly number[];
  onClose: () => void;
  onDeclared: (year: number) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DeclareValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const year = Form.useWatch('year', form);

  const ofYear =
    typeof year === 'number' ? items.filter((o) => o.date.startsWith(`${String(year)}-`)) : [];
  const national = ofYear.filter((o) => o.regionCode === null);
  const offDays = national.filter((o) => !o.working).length;
  const workDays = national.length - offDays;
  const alreadyCovered = typeof year === 'number' && coveredYears.includes(year);

  const submit = async () => {
    let values: DeclareValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await api.put<{ ok: boolean }>(`/calendar/years/${String(values.year)}`, {
        note: values.note.trim(),
      });
      onDeclared(values.year);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('calendarAdmin.declareTitle')}
      okText={t('calendarAdmin.declareOk')}
      confirmLoading={submitting}
      width={600}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'declare-submit' }}
    >
      <Typography.Paragraph type="secondary">
        {t('calendarAdmin.declareIntro')}
      </Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<DeclareValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ year: defaultYear, note: '' }}
      >
        <Form.Item
          name="year"
          label={t('calendarAdmin.year')}
          rules={[{ required: true, message: t('calendarAdmin.yearRequired') }]}
        >
          <InputNumber
            min={2000}
            max={2100}
            precision={0}
            style={{ width: 160 }}
            data-testid="declare-year"
          />
        </Form.Item>
        {typeof year === 'number' ? (
          <Descriptions
            size="small"
            bordered
            column={1}
            style={{ marginBottom: 16 }}
            items={[
              {
                key: 'national',
                label: t('calendarAdmin.declareNational'),
                children: t('calendarAdmin.declareCounts', {
                  total: national.length,
                  off: offDays,
                  work: workDays,
                }),
              },
              {
                key: 'regional',
                label: t('calendarAdmin.declareRegional'),
                children: t('common.total', { count: ofYear.length - national.length }),
              },
            ]}
          />
        ) : null}
        {typeof year === 'number' && national.length === 0 && !alreadyCovered ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('calendarAdmin.declareEmpty', { year })}
            data-testid="declare-empty-warning"
          />
        ) : null}
        {alreadyCovered ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('calendarAdmin.declareAlready', { year })}
          />
        ) : null}
        <Form.Item
          name="note"
          label={t('calendarAdmin.note')}
          extra={t('calendarAdmin.noteHint')}
          rules={[
            { required: true, whitespace: true, message: t('calendarAdmin.noteRequired') },
            { max: 300, message: t('calendarAdmin.noteTooLong') },
          ]}
        >
          <Input.TextArea
            rows={3}
            maxLength={300}
            showCount
            placeholder={
              typeof year === 'number' ? t('calendarAdmin.notePlaceholder', { year }) : undefined
            }
            data-testid="declare-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
