import { Alert, Form, Input, Modal, Radio, Select, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useMe } from '../../auth';
import { applyFieldErrors, errorText } from '../../errors';
import type { ProblemCategory, ProblemReport, ProblemUrgency } from './problems';
import { PROBLEM_CATEGORIES, parseRecordKeys, reportingOrgs } from './problems';

interface SearchHit {
  code: string;
  name: string;
  orgName: string;
}

interface ReportValues {
  resourceCode: string;
  category: ProblemCategory;
  urgency: ProblemUrgency;
  description: string;
  recordKeys?: string;
  contact?: string;
  reporterOrgCode?: string;
}

/**
 * Published entries matching `q` (the catalog's Chinese search), for the resource picker. `path`
 * and `query` choose another search with the same parameters and hits, e.g. the open catalog's
 * (`/open/datasets`, narrowed by `provider`).
 */
export function useResourceSearch(
  initialCode: string | undefined,
  source: { path?: string; query?: Record<string, string> } = {},
) {
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const mine = ++seq.current;
      setLoading(true);
      api
        .get<{ items: SearchHit[] }>(source.path ?? '/catalog/search', {
          query: {
            ...source.query,
            q: q.trim() || undefined,
            limit: 20,
            sort: q.trim() ? 'relevance' : 'name',
          },
        })
        .then((res) => {
          if (mine !== seq.current) return;
          setOptions(
            res.items.map((hit) => ({
              value: hit.code,
              label: `${hit.name}（${hit.code}）· ${hit.orgName}`,
            })),
          );
        })
        .catch(() => {
          if (mine === seq.current) setOptions([]);
        })
        .finally(() => {
          if (mine === seq.current) setLoading(false);
        });
    }, 250);
  };
  useEffect(() => {
    search(initialCode ?? '');
    return () => {
      clearTimeout(timer.current);
    };
  }, []);
  return { options, loading, search };
}

/** 报告问题: a consumer (or the provider) reports a problem in a published resource (R3.5). */
export function ReportProblemModal({
  open,
  initialResourceCode,
  onClose,
  onReported,
}: {
  open: boolean;
  initialResourceCode?: string;
  onClose: () => void;
  onReported: (report: ProblemReport) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const orgs = reportingOrgs(me);
  const [form] = Form.useForm<ReportValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const resources = useResourceSearch(initialResourceCode);

  const submit = async () => {
    let values: ReportValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const recordKeys = parseRecordKeys(values.recordKeys);
    if (recordKeys === null) {
      form.setFields([{ name: 'recordKeys', errors: [t('problems.recordKeysInvalid')] }]);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<ProblemReport>('/problems', {
        resourceCode: values.resourceCode,
        category: values.category,
        urgency: values.urgency,
        description: values.description.trim(),
        recordKeys,
        ...(values.contact?.trim() ? { contact: values.contact.trim() } : {}),
        ...(values.reporterOrgCode ? { reporterOrgCode: values.reporterOrgCode } : {}),
      });
      onReported(created);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('problems.report')}
      okText={t('problems.reportSubmit')}
      confirmLoading={busy}
      width={640}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'problem-report-submit' }}
    >
      <Typography.Paragraph type="secondary">{t('problems.reportHint')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<ReportValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          category: 'error',
          urgency: 'normal',
          resourceCode: initialResourceCode,
          reporterOrgCode: orgs.length > 1 ? orgs[0]?.code : undefined,
        }}
      >
        {orgs.length > 1 ? (
          <Form.Item name="reporterOrgCode" label={t('problems.reporterOrg')}>
            <Select options={orgs.map((o) => ({ value: o.code, label: o.name }))} />
          </Form.Item>
        ) : null}
        <Form.Item
          name="resourceCode"
          label={t('problems.resource')}
          rules={[{ required: true, message: t('problems.resourceRequired') }]}
        >
          <Select
            showSearch={{ filterOption: false, onSearch: resources.search }}
            options={resources.options}
            placeholder={t('problems.resourcePlaceholder')}
            notFoundContent={resources.loading ? <Spin size="small" /> : undefined}
            data-testid="problem-resource"
          />
        </Form.Item>
        <Form.Item name="category" label={t('problems.categoryLabel')}>
          <Radio.Group
            options={PROBLEM_CATEGORIES.map((c) => ({
              value: c,
              label: t(`problems.category.${c}`),
            }))}
            data-testid="problem-category"
          />
        </Form.Item>
        <Form.Item
          name="urgency"
          label={t('problems.urgencyLabel')}
          extra={t('problems.urgencyHint')}
        >
          <Radio.Group
            options={(['normal', 'urgent'] as const).map((u) => ({
              value: u,
              label: t(`problems.urgency.${u}`),
            }))}
            data-testid="problem-urgency"
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('problems.descriptionLabel')}
          rules={[
            { required: true, whitespace: true, message: t('problems.descriptionRequired') },
            { min: 5, message: t('problems.descriptionRequired') },
          ]}
        >
          <Input.TextArea rows={4} maxLength={4000} showCount data-testid="problem-description" />
        </Form.Item>
        <Form.Item
          name="recordKeys"
          label={t('problems.recordKeys')}
          extra={t('problems.recordKeysHint')}
        >
          <Input.TextArea
            rows={2}
            className="mono"
            placeholder='[{"id_card_no": "..."}]'
            data-testid="problem-record-keys"
          />
        </Form.Item>
        <Form.Item name="contact" label={t('problems.contact')}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
