/**
 * The consumer's three ways to data, by share class (R4.1): 直接获取 an unconditional resource
 * (R4.3), 申请共享 a conditional one (R4.4), 提请协调 a resource that is not shared (R4.6).
 */
import {
  Alert,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Select,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ShareClassTag } from '../../catalog/labels';
import type { DataItem } from '../../catalog/model';
import { LoadError, Mono } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { useAsync } from '../../hooks';
import type { Grant, RequestDeliveryMethod, ShareDispute, ShareRequest } from './share';
import { REQUEST_DELIVERY_METHODS, consumerOrgs, defaultMasking, loadLiveVersion } from './share';
import { ItemChecklist, MaskingTag, OperationsChecklist, TokenSelect } from './ShareParts';
import { beforePlatformToday, platformToday } from '../../format';

export type ApplyMode = 'obtain' | 'request' | 'dispute';

export interface ApplyTarget {
  mode: ApplyMode;
  code: string;
  version: number;
  name: string;
  orgName: string;
}

export type ApplyResult =
  | { mode: 'obtain'; grant: Grant }
  | { mode: 'request'; request: ShareRequest }
  | { mode: 'dispute'; dispute: ShareDispute };

interface ApplyValues {
  consumerOrgCode?: string;
  items: string[];
  operations: string[];
  purpose: string;
  scenario?: string;
  businessProcess?: string;
  legalBasis: string;
  validity?: [Dayjs | null, Dayjs | null] | null;
  period?: [Dayjs, Dayjs];
  periodTo?: Dayjs;
  deliveryMethod?: RequestDeliveryMethod;
  contactName?: string;
  contactPhone?: string;
  tokenId?: string;
  argument?: string;
}

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);
const trimmed = (s: string | undefined) => (s ?? '').trim();

function itemExtra(item: DataItem) {
  const rule = defaultMasking(item);
  return rule === 'none' ? null : <MaskingTag rule={rule} />;
}

export function ApplyModal({
  target,
  onClose,
  onDone,
}: {
  target: ApplyTarget | null;
  onClose: () => void;
  onDone: (result: ApplyResult) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [form] = Form.useForm<ApplyValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const orgs = consumerOrgs(me);
  const chosenOrg = Form.useWatch('consumerOrgCode', form) ?? orgs[0]?.orgCode;
  const resource = useAsync(
    async (signal) => (target ? loadLiveVersion(target.code, signal, target.version) : null),
    target ? `${target.code}@${String(target.version)}` : '',
  );
  const version = resource.data;
  const content = version?.content;
  const mode = target?.mode ?? 'obtain';

  const catalogDelivery = (content?.share.deliveryMethods ?? []).filter(
    (m): m is RequestDeliveryMethod => (REQUEST_DELIVERY_METHODS as readonly string[]).includes(m),
  );
  // The provider delivers by the methods its catalog entry names (all when it names none).
  const deliveryOptions = (
    catalogDelivery.length > 0 ? catalogDelivery : REQUEST_DELIVERY_METHODS
  ).map((m) => ({ value: m, label: t(`share.delivery.${m}`) }));

  const submit = async () => {
    if (!target) return;
    let values: ApplyValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    const consumer = orgs.length > 1 ? { consumerOrgCode: values.consumerOrgCode } : {};
    const token = values.tokenId ? { tokenId: values.tokenId } : {};
    try {
      if (mode === 'obtain') {
        const [from, to] = values.validity ?? [null, null];
        const grant = await api.post<Grant>('/share/grants/obtain', {
          resourceCode: target.code,
          items: values.items,
          operations: values.operations,
          purpose: trimmed(values.purpose),
          scenario: trimmed(values.scenario),
          legalBasis: trimmed(values.legalBasis),
          ...(from ? { validFrom: day(from) } : {}),
          ...(to ? { validTo: day(to) } : {}),
          ...token,
          ...consumer,
        });
        onDone({ mode, grant });
      } else if (mode === 'request') {
        const [from, to] = values.period ?? [platformToday(), platformToday().add(1, 'year')];
        const request = await api.post<ShareRequest>('/share/requests', {
          resourceCode: target.code,
          items: values.items,
          operations: values.operations,
          purpose: trimmed(values.purpose),
          scenario: trimmed(values.scenario),
          businessProcess: trimmed(values.businessProcess),
          legalBasis: trimmed(values.legalBasis),
          periodFrom: day(from),
          periodTo: day(to),
          deliveryMethod: values.deliveryMethod,
          contactName: trimmed(values.contactName),
          contactPhone: trimmed(values.contactPhone),
          ...token,
          ...consumer,
        });
        onDone({ mode, request });
      } else {
        const dispute = await api.post<ShareDispute>('/share/disputes', {
          resourceCode: target.code,
          items: values.items,
          operations: values.operations,
          purpose: trimmed(values.purpose),
          legalBasis: trimmed(values.legalBasis),
          periodTo: day(values.periodTo),
          argument: trimmed(values.argument),
          ...consumer,
        });
        onDone({ mode, dispute });
      }
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const title = target
    ? t(`share.apply.title.${mode}`, { name: target.name })
    : t('share.apply.title.obtain', { name: '' });
  const minText = (min: number, message: string) => [
    { required: true, whitespace: true, message },
    { min, message },
  ];

  return (
    <Modal
      open={target !== null}
      title={title}
      okText={t(`share.apply.submit.${mode}`)}
      confirmLoading={busy}
      okButtonProps={{ disabled: !version, 'data-testid': 'share-apply-submit' }}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      width={780}
      destroyOnHidden
      data-testid="share-apply-modal"
    >
      <Typography.Paragraph type="secondary">{t(`share.apply.hint.${mode}`)}</Typography.Paragraph>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="share-apply-error"
        />
      ) : null}
      {resource.error ? (
        <LoadError error={resource.error} onRetry={resource.reload} />
      ) : !version || !content || !target ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <>
          <Descriptions
            size="small"
            bordered
            column={2}
            style={{ marginBottom: 16 }}
            items={[
              {
                key: 'resource',
                label: t('share.field.resource'),
                span: 2,
                children: (
                  <Space size={6} wrap>
                    <span>{content.name}</span>
                    <Mono>{target.code}</Mono>
                    <ShareClassTag value={content.share.class} />
                  </Space>
                ),
              },
              { key: 'provider', label: t('share.field.provider'), children: version.orgName },
              {
                key: 'delivery',
                label: t('share.field.catalogDelivery'),
                children: (
                  <Space size={[4, 4]} wrap>
                    {content.share.deliveryMethods.map((m) => (
                      <Tag key={m}>{t(`catalog.delivery.${m}`)}</Tag>
                    ))}
                  </Space>
                ),
              },
              ...(content.share.conditions
                ? [
                    {
                      key: 'conditions',
                      label: t('share.field.conditions'),
                      span: 2,
                      children: <span className="pre-wrap">{content.share.conditions}</span>,
                    },
                  ]
                : []),
              ...(content.share.legalBasis || content.share.reasons
                ? [
                    {
                      key: 'basis',
                      label: t('share.field.catalogBasis'),
                      span: 2,
                      children: (
                        <span className="pre-wrap">
                          {[content.share.reasons, content.share.legalBasis]
                            .filter(Boolean)
                            .join('\n')}
                        </span>
                      ),
                    },
                  ]
                : []),
              ...(content.share.period
                ? [
                    {
                      key: 'period',
                      label: t('share.field.catalogPeriod'),
                      span: 2,
                      children: content.share.period,
                    },
                  ]
                : []),
            ]}
          />
          <Form<ApplyValues>
            form={form}
            layout="vertical"
            preserve={false}
            initialValues={{
              consumerOrgCode: orgs[0]?.orgCode,
              items: [],
              operations: ['lookup'],
              period: [platformToday(), platformToday().add(1, 'year')],
              periodTo: platformToday().add(1, 'year'),
              deliveryMethod: catalogDelivery[0] ?? 'interface',
              contactName: me.user.displayName,
            }}
          >
            {orgs.length > 1 ? (
              <Form.Item
                name="consumerOrgCode"
                label={t('share.field.consumerOrg')}
                rules={[{ required: true, message: t('share.form.orgRequired') }]}
              >
                <Select
                  options={orgs.map((m) => ({ value: m.orgCode, label: m.orgName }))}
                  data-testid="share-consumer-org"
                />
              </Form.Item>
            ) : null}
            <Form.Item
              name="items"
              label={t('share.field.items')}
              extra={t('share.form.itemsHint')}
              rules={[
                { required: true, type: 'array', min: 1, message: t('share.form.itemsRequired') },
              ]}
            >
              <ItemChecklist
                items={content.items.map((item) => ({
                  column: item.column,
                  name: item.name,
                  extra: itemExtra(item),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="operations"
              label={t('share.field.operations')}
              rules={[
                {
                  required: true,
                  type: 'array',
                  min: 1,
                  message: t('share.form.operationsRequired'),
                },
              ]}
            >
              <OperationsChecklist />
            </Form.Item>
            <Form.Item
              name="purpose"
              label={t('share.field.purpose')}
              rules={minText(2, t('share.form.purposeRequired'))}
            >
              <Input.TextArea
                rows={2}
                maxLength={1000}
                showCount
                placeholder={t('share.form.purposePlaceholder')}
                data-testid="share-purpose"
              />
            </Form.Item>
            {mode !== 'dispute' ? (
              <Form.Item
                name="scenario"
                label={t('share.field.scenario')}
                rules={minText(2, t('share.form.scenarioRequired'))}
              >
                <Input
                  maxLength={1000}
                  placeholder={t('share.form.scenarioPlaceholder')}
                  data-testid="share-scenario"
                />
              </Form.Item>
            ) : null}
            {mode === 'request' ? (
              <Form.Item
                name="businessProcess"
                label={t('share.field.businessProcess')}
                rules={minText(2, t('share.form.businessProcessRequired'))}
              >
                <Input.TextArea
                  rows={2}
                  maxLength={2000}
                  showCount
                  placeholder={t('share.form.businessProcessPlaceholder')}
                  data-testid="share-business-process"
                />
              </Form.Item>
            ) : null}
            <Form.Item
              name="legalBasis"
              label={t('share.field.dutyLegalBasis')}
              extra={t('share.form.legalBasisHint')}
              rules={minText(2, t('share.form.legalBasisRequired'))}
            >
              <Input.TextArea
                rows={2}
                maxLength={2000}
                showCount
                placeholder={t('share.form.legalBasisPlaceholder')}
                data-testid="share-legal-basis"
              />
            </Form.Item>
            {mode === 'obtain' ? (
              <Form.Item
                name="validity"
                label={t('share.field.validity')}
                extra={t('share.form.validityHint')}
              >
                <DatePicker.RangePicker
                  allowEmpty={[true, true]}
                  disabledDate={(d) => beforePlatformToday(d)}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            ) : null}
            {mode === 'request' ? (
              <Space.Compact block>
                <Form.Item
                  name="period"
                  label={t('share.field.period')}
                  style={{ flex: 1, marginRight: 16 }}
                  rules={[{ required: true, message: t('share.form.periodRequired') }]}
                >
                  <DatePicker.RangePicker
                    disabledDate={(d) => beforePlatformToday(d)}
                    style={{ width: '100%' }}
                    data-testid="share-period"
                  />
                </Form.Item>
                <Form.Item
                  name="deliveryMethod"
                  label={t('share.field.deliveryMethod')}
                  style={{ width: 220 }}
                  rules={[{ required: true, message: t('share.form.deliveryRequired') }]}
                >
                  <Select options={deliveryOptions} data-testid="share-delivery" />
                </Form.Item>
              </Space.Compact>
            ) : null}
            {mode === 'dispute' ? (
              <Form.Item
                name="periodTo"
                label={t('share.field.periodTo')}
                rules={[{ required: true, message: t('share.form.periodRequired') }]}
              >
                <DatePicker disabledDate={(d) => beforePlatformToday(d)} style={{ width: 220 }} />
              </Form.Item>
            ) : null}
            {mode === 'request' ? (
              <Space.Compact block>
                <Form.Item
                  name="contactName"
                  label={t('share.field.contactName')}
                  style={{ flex: 1, marginRight: 16 }}
                  rules={[
                    { required: true, whitespace: true, message: t('share.form.contactRequired') },
                  ]}
                >
                  <Input maxLength={50} data-testid="share-contact-name" />
                </Form.Item>
                <Form.Item
                  name="contactPhone"
                  label={t('share.field.contactPhone')}
                  style={{ flex: 1 }}
                  rules={[
                    { required: true, whitespace: true, message: t('share.form.phoneRequired') },
                    { pattern: /^[0-9+\-() ]{5,30}$/, message: t('share.form.phoneInvalid') },
                  ]}
                >
                  <Input maxLength={30} data-testid="share-contact-phone" />
                </Form.Item>
              </Space.Compact>
            ) : null}
            {mode !== 'dispute' ? (
              <Form.Item
                name="tokenId"
                label={t('share.field.token')}
                extra={t('share.form.tokenHint')}
              >
                <TokenSelect orgCode={chosenOrg} />
              </Form.Item>
            ) : null}
            {mode === 'dispute' ? (
              <Form.Item
                name="argument"
                label={t('share.field.argument')}
                extra={t('share.form.argumentHint')}
                rules={minText(10, t('share.form.argumentRequired'))}
              >
                <Input.TextArea rows={4} maxLength={4000} showCount data-testid="share-argument" />
              </Form.Item>
            ) : null}
          </Form>
        </>
      )}
    </Modal>
  );
}
