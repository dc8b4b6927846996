import { Alert, DatePicker, Form, Input, Modal, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import type { ShareOperation, ShareScenario } from './adminApi';
import { submitErrorText } from './adminApi';
import { OrgMultiSelect } from './AdminParts';
import { AdminResourceRows } from './AdminResourceRows';
import { beforePlatformToday } from '../../format';

interface ScenarioValues {
  name: string;
  description: string;
  purpose: string;
  resources: { resourceCode: string; items: string[]; operations: ShareOperation[] }[];
  consumerOrgCodes: string[];
  validTo?: Dayjs | null;
}

/**
 * 新建应用场景: the authority authorizes a scenario (R4.5): which resources, which data items and
 * operations, for which consumer organisations, until when. Matching requests are then approved
 * at once.
 */
export function AdminScenarioModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (scenario: ShareScenario) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ScenarioValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    let values: ScenarioValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<ShareScenario>('/share/scenarios', {
        name: values.name.trim(),
        description: values.description.trim(),
        purpose: values.purpose.trim(),
        resources: values.resources.map((r) => ({
          resourceCode: r.resourceCode,
          items: r.items,
          operations: r.operations,
        })),
        consumerOrgCodes: values.consumerOrgCodes,
        ...(values.validTo ? { validTo: values.validTo.format('YYYY-MM-DD') } : {}),
      });
      onCreated(created);
    } catch (e) {
      setError(submitErrorText(t, form, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('shareAdmin.scenarios.createTitle')}
      okText={t('shareAdmin.scenarios.createSubmit')}
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
      okButtonProps={{ 'data-testid': 'scenario-submit' }}
    >
      <Typography.Paragraph type="secondary">
        {t('shareAdmin.scenarios.createHint')}
      </Typography.Paragraph>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="scenario-error"
        />
      ) : null}
      <Form<ScenarioValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          resources: [{ items: [], operations: ['lookup'] }],
          consumerOrgCodes: [],
        }}
      >
        <Form.Item
          name="name"
          label={t('shareAdmin.scenarios.name')}
          rules={[
            { required: true, whitespace: true, message: t('shareAdmin.scenarios.nameRequired') },
            { min: 2, message: t('shareAdmin.minLength', { count: 2 }) },
          ]}
        >
          <Input
            maxLength={200}
            placeholder={t('shareAdmin.scenarios.namePlaceholder')}
            data-testid="scenario-name"
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('shareAdmin.scenarios.descriptionLabel')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('shareAdmin.scenarios.descriptionRequired'),
            },
            { min: 2, message: t('shareAdmin.minLength', { count: 2 }) },
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={4000}
            showCount
            placeholder={t('shareAdmin.scenarios.descriptionPlaceholder')}
            data-testid="scenario-description"
          />
        </Form.Item>
        <Form.Item
          name="purpose"
          label={t('shareAdmin.scenarios.purpose')}
          extra={t('shareAdmin.scenarios.purposeHint')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('shareAdmin.scenarios.purposeRequired'),
            },
            { min: 2, message: t('shareAdmin.minLength', { count: 2 }) },
          ]}
        >
          <Input.TextArea rows={2} maxLength={1000} showCount data-testid="scenario-purpose" />
        </Form.Item>
        <Typography.Title level={5}>{t('shareAdmin.scenarios.resourcesTitle')}</Typography.Title>
        <AdminResourceRows form={form} withOperations itemsRequired shareClass="conditional" />
        <Form.Item
          name="consumerOrgCodes"
          label={t('shareAdmin.scenarios.consumers')}
          extra={t('shareAdmin.scenarios.consumersHint')}
          style={{ marginTop: 16 }}
          rules={[
            {
              required: true,
              type: 'array',
              min: 1,
              message: t('shareAdmin.scenarios.consumersRequired'),
            },
          ]}
        >
          <OrgMultiSelect
            placeholder={t('shareAdmin.scenarios.consumersPlaceholder')}
            testId="scenario-consumers"
          />
        </Form.Item>
        <Form.Item
          name="validTo"
          label={t('shareAdmin.scenarios.validTo')}
          extra={t('shareAdmin.scenarios.validToHint')}
        >
          <DatePicker
            style={{ width: 220 }}
            disabledDate={(d) => beforePlatformToday(d)}
            data-testid="scenario-valid-to"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
