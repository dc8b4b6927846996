import { Alert, DatePicker, Form, Input, Modal, Radio, Typography } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import type { EmergencyType, ShareEmergency } from './adminApi';
import { EMERGENCY_TYPES, submitErrorText } from './adminApi';
import { OrgMultiSelect } from './AdminParts';
import { AdminResourceRows } from './AdminResourceRows';

interface EmergencyValues {
  type: EmergencyType;
  title: string;
  area: string;
  startsAt?: Dayjs | null;
  plannedEndAt: Dayjs;
  resources: { resourceCode: string; items?: string[] }[];
  responderOrgCodes: string[];
}

const TIME_FORMAT = 'YYYY-MM-DD HH:mm';

/**
 * 宣布应急: the authority declares an emergency (R4.10). Every responder organisation gets a
 * time-boxed grant (lookup and verification) on every listed resource at once, until the planned
 * end; the grants end with the emergency.
 */
export function AdminEmergencyModal({
  open,
  onClose,
  onDeclared,
}: {
  open: boolean;
  onClose: () => void;
  onDeclared: (emergency: ShareEmergency) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EmergencyValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    let values: EmergencyValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const declared = await api.post<ShareEmergency>('/share/emergencies', {
        type: values.type,
        title: values.title.trim(),
        area: values.area.trim(),
        ...(values.startsAt ? { startsAt: values.startsAt.toISOString() } : {}),
        plannedEndAt: values.plannedEndAt.toISOString(),
        resources: values.resources.map((r) => ({
          resourceCode: r.resourceCode,
          ...(r.items && r.items.length > 0 ? { items: r.items } : {}),
        })),
        responderOrgCodes: values.responderOrgCodes,
      });
      onDeclared(declared);
    } catch (e) {
      setError(submitErrorText(t, form, e));
    } finally {
      setBusy(false);
    }
  };

  const presets = [
    { label: t('shareAdmin.emergencies.preset24h'), value: dayjs().add(24, 'hour') },
    { label: t('shareAdmin.emergencies.preset72h'), value: dayjs().add(72, 'hour') },
    { label: t('shareAdmin.emergencies.preset7d'), value: dayjs().add(7, 'day') },
    { label: t('shareAdmin.emergencies.preset30d'), value: dayjs().add(30, 'day') },
  ];

  return (
    <Modal
      open={open}
      title={t('shareAdmin.emergencies.declareTitle')}
      okText={t('shareAdmin.emergencies.declareSubmit')}
      okButtonProps={{ danger: true, 'data-testid': 'emergency-submit' }}
      confirmLoading={busy}
      width={820}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title={t('shareAdmin.emergencies.declareHint')}
        style={{ marginBottom: 16 }}
      />
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="emergency-error"
        />
      ) : null}
      <Form<EmergencyValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          type: 'natural_disaster',
          resources: [{ items: [] }],
          responderOrgCodes: [],
        }}
      >
        <Form.Item
          name="type"
          label={t('shareAdmin.emergencies.type')}
          rules={[{ required: true }]}
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={EMERGENCY_TYPES.map((type) => ({
              value: type,
              label: t(`shareAdmin.emergencyType.${type}`),
            }))}
            data-testid="emergency-type"
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('shareAdmin.emergencies.titleLabel')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('shareAdmin.emergencies.titleRequired'),
            },
            { min: 2, message: t('shareAdmin.minLength', { count: 2 }) },
          ]}
        >
          <Input
            maxLength={200}
            placeholder={t('shareAdmin.emergencies.titlePlaceholder')}
            data-testid="emergency-title"
          />
        </Form.Item>
        <Form.Item
          name="area"
          label={t('shareAdmin.emergencies.area')}
          rules={[
            { required: true, whitespace: true, message: t('shareAdmin.emergencies.areaRequired') },
            { min: 2, message: t('shareAdmin.minLength', { count: 2 }) },
          ]}
        >
          <Input
            maxLength={200}
            placeholder={t('shareAdmin.emergencies.areaPlaceholder')}
            data-testid="emergency-area"
          />
        </Form.Item>
        <Space2>
          <Form.Item
            name="startsAt"
            label={t('shareAdmin.emergencies.startsAt')}
            extra={t('shareAdmin.emergencies.startsAtHint')}
          >
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format={TIME_FORMAT}
              style={{ width: 220 }}
              data-testid="emergency-starts"
            />
          </Form.Item>
          <Form.Item
            name="plannedEndAt"
            label={t('shareAdmin.emergencies.plannedEnd')}
            extra={t('shareAdmin.emergencies.plannedEndHint')}
            dependencies={['startsAt']}
            rules={[
              { required: true, message: t('shareAdmin.emergencies.plannedEndRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value: Dayjs | undefined) => {
                  const start = (getFieldValue('startsAt') as Dayjs | null | undefined) ?? dayjs();
                  return value && !value.isAfter(start)
                    ? Promise.reject(new Error(t('shareAdmin.emergencies.plannedEndAfterStart')))
                    : Promise.resolve();
                },
              }),
            ]}
          >
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format={TIME_FORMAT}
              presets={presets}
              disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
              style={{ width: 220 }}
              data-testid="emergency-planned-end"
            />
          </Form.Item>
        </Space2>
        <Typography.Title level={5}>{t('shareAdmin.emergencies.resourcesTitle')}</Typography.Title>
        <AdminResourceRows form={form} withOperations={false} itemsRequired={false} />
        <Form.Item
          name="responderOrgCodes"
          label={t('shareAdmin.emergencies.responders')}
          extra={t('shareAdmin.emergencies.respondersHint')}
          style={{ marginTop: 16 }}
          rules={[
            {
              required: true,
              type: 'array',
              min: 1,
              message: t('shareAdmin.emergencies.respondersRequired'),
            },
          ]}
        >
          <OrgMultiSelect
            placeholder={t('shareAdmin.emergencies.respondersPlaceholder')}
            testId="emergency-responders"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Two form items side by side. */
function Space2({ children }: { children: ReactNode }) {
  return <div style={{ display: 'flex', gap: 24, flexWrap: 'wrap' }}>{children}</div>;
}
