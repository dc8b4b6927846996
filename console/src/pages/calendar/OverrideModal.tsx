import { Alert, AutoComplete, DatePicker, Form, Modal, Radio, Select } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { applyFieldErrors, errorText } from '../../errors';
import { filterOptionByLabel } from '../../format';
import type { CalendarOverride, Region } from '../../types';
import { regionOptions } from './parts';

interface OverrideValues {
  date: Dayjs;
  working: boolean;
  name: string;
  regionCode?: string;
}

/** Names of the statutory holidays, offered while typing. */
const HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'];

export function overridePath(date: string): string {
  return `/calendar/overrides/${encodeURIComponent(date)}`;
}

/** Adds an override, or (with `item`) changes the type and name of an existing one. */
export function OverrideModal({
  open,
  item,
  items,
  regions,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null = add */
  item: CalendarOverride | null;
  /** Existing overrides, to warn before replacing one. */
  items: readonly CalendarOverride[];
  regions: Region[];
  onClose: () => void;
  onSaved: (saved: CalendarOverride, created: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<OverrideValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = item !== null;
  const date = Form.useWatch('date', form);
  const regionCode = Form.useWatch('regionCode', form);

  const dateText = date ? date.format('YYYY-MM-DD') : null;
  const replaced =
    !editing && dateText
      ? items.find((o) => o.date === dateText && (o.regionCode ?? '') === (regionCode ?? ''))
      : undefined;

  const submit = async () => {
    let values: OverrideValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    const day = values.date.format('YYYY-MM-DD');
    try {
      const saved = await api.put<CalendarOverride>(overridePath(day), {
        working: values.working,
        name: values.name.trim(),
        ...(values.regionCode ? { regionCode: values.regionCode } : {}),
      });
      onSaved(saved, !editing);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  const options = regionOptions(regions);
  if (item?.regionCode && !regions.some((r) => r.code === item.regionCode)) {
    options.push({ value: item.regionCode, label: item.regionCode });
  }

  return (
    <Modal
      open={open}
      title={item ? t('calendarAdmin.editTitle', { date: item.date }) : t('calendarAdmin.addTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      confirmLoading={submitting}
      width={560}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'override-submit' }}
    >
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="override-error"
        />
      ) : null}
      <Form<OverrideValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          item
            ? {
                date: dayjs(item.date),
                working: item.working,
                name: item.name,
                regionCode: item.regionCode ?? undefined,
              }
            : { working: false }
        }
      >
        <Form.Item
          name="date"
          label={t('calendarAdmin.date')}
          rules={[{ required: true, message: t('calendarAdmin.dateRequired') }]}
          extra={date ? date.format('dddd') : undefined}
        >
          <DatePicker
            style={{ width: '100%' }}
            disabled={editing}
            allowClear={false}
            data-testid="override-date"
          />
        </Form.Item>
        <Form.Item
          name="working"
          label={t('calendarAdmin.type')}
          rules={[{ required: true, message: t('calendarAdmin.typeRequired') }]}
          extra={t('calendarAdmin.typeHint')}
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: false, label: t('calendarAdmin.typeOffLong') },
              { value: true, label: t('calendarAdmin.typeWorkLong') },
            ]}
            data-testid="override-working"
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('calendarAdmin.name')}
          rules={[
            { required: true, whitespace: true, message: t('calendarAdmin.nameRequired') },
            { max: 100, message: t('calendarAdmin.nameTooLong') },
          ]}
        >
          <AutoComplete
            options={HOLIDAY_NAMES.map((n) => ({ value: n }))}
            filterOption={(input, option) =>
              typeof option?.value === 'string' && option.value.includes(input.trim())
            }
            placeholder={t('calendarAdmin.namePlaceholder')}
            maxLength={100}
            data-testid="override-name"
          />
        </Form.Item>
        <Form.Item
          name="regionCode"
          label={t('calendarAdmin.scopeOptional')}
          extra={t('calendarAdmin.scopeHint')}
        >
          <Select
            allowClear
            disabled={editing}
            showSearch={{ filterOption: filterOptionByLabel }}
            placeholder={t('calendarAdmin.nationalPlaceholder')}
            options={options}
            data-testid="override-region"
          />
        </Form.Item>
      </Form>
      {replaced ? (
        <Alert
          type="info"
          showIcon
          title={t('calendarAdmin.replaceWarning', {
            name: replaced.name,
            type: replaced.working ? t('calendarAdmin.typeWork') : t('calendarAdmin.typeOff'),
          })}
          data-testid="override-replace-warning"
        />
      ) : null}
    </Modal>
  );
}
