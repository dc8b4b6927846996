import { EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { hasAbility, useMe } from '../auth';
import { ForbiddenResult, LoadError, Mono, OrgKindTag, PageHeader } from '../components/common';
import { ExportButton } from '../components/ExportButton';
import { exportFileName, exportRows } from '../excel';
import { applyFieldErrors, errorText, isForbidden } from '../errors';
import { filterOptionByLabel, formatDateTime } from '../format';
import { useAsync, useRegions } from '../hooks';
import { ORG_KINDS } from '../types';
import type { ListResponse, Org, OrgKind, Region } from '../types';

/** GB 32100-2015: 18 characters from 0-9 and A-Z without I, O, S, V, Z. */
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

interface OrgFormValues {
  code: string;
  name: string;
  kind: OrgKind;
  regionCode: string;
  creditCode?: string;
}

function OrgModal({
  open,
  org,
  regions,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null = create */
  org: Org | null;
  regions: Region[];
  onClose: () => void;
  onSaved: (org: Org, created: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<OrgFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editing = org !== null;

  const submit = async () => {
    let values: OrgFormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    const creditCode = values.creditCode?.trim() ?? '';
    try {
      if (org) {
        const body: { name: string; creditCode?: string | null } = { name: values.name.trim() };
        if (creditCode !== (org.creditCode ?? '')) body.creditCode = creditCode || null;
        const saved = await api.patch<Org>(`/orgs/${encodeURIComponent(org.code)}`, body);
        onSaved(saved, false);
      } else {
        const saved = await api.post<Org>('/orgs', {
          code: values.code.trim(),
          name: values.name.trim(),
          kind: values.kind,
          regionCode: values.regionCode,
          ...(creditCode ? { creditCode } : {}),
        });
        onSaved(saved, true);
      }
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  const regionOptions = regions.map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }));
  if (org && !regions.some((r) => r.code === org.regionCode)) {
    regionOptions.push({ value: org.regionCode, label: org.regionCode });
  }

  return (
    <Modal
      open={open}
      title={org ? t('orgs.editTitle', { name: org.name }) : t('orgs.create')}
      okText={editing ? t('common.save') : t('common.create')}
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
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<OrgFormValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          org
            ? {
                code: org.code,
                name: org.name,
                kind: org.kind,
                regionCode: org.regionCode,
                creditCode: org.creditCode ?? '',
              }
            : { kind: 'department' }
        }
      >
        <Form.Item
          name="code"
          label={t('orgs.code')}
          rules={[
            { required: true, whitespace: true, message: t('orgs.codeRequired') },
            { pattern: /^[A-Za-z0-9_-]+$/, message: t('orgs.codePattern') },
          ]}
        >
          <Input disabled={editing} maxLength={32} className="mono" placeholder="GAJ" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('orgs.name')}
          rules={[{ required: true, whitespace: true, message: t('orgs.nameRequired') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="kind"
          label={t('orgs.kind')}
          rules={[{ required: true, message: t('orgs.kindRequired') }]}
        >
          <Select
            disabled={editing}
            options={ORG_KINDS.map((k) => ({ value: k, label: t(`orgKinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="regionCode"
          label={t('orgs.region')}
          rules={[{ required: true, message: t('orgs.regionRequired') }]}
        >
          <Select
            disabled={editing}
            showSearch={{ filterOption: filterOptionByLabel }}
            options={regionOptions}
          />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label={t('orgs.creditCode')}
          extra={t('orgs.creditCodeHint')}
          normalize={(v: string) => v.toUpperCase()}
          rules={[{ pattern: CREDIT_CODE, message: t('orgs.creditCodePattern') }]}
        >
          <Input maxLength={18} className="mono" placeholder="11110000000000000X" allowClear />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function OrgsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const canManage = hasAbility(me, 'org.manage');
  const [regionCode, setRegionCode] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState<OrgKind | undefined>(undefined);
  const [modal, setModal] = useState<{ open: boolean; org: Org | null }>({
    open: false,
    org: null,
  });
  const regions = useRegions();
  const list = useAsync(
    async (signal) =>
      (await api.get<ListResponse<Org>>('/orgs', { signal, query: { regionCode, kind } })).items,
    `${regionCode ?? ''}|${kind ?? ''}`,
  );
  const regionName = useMemo(
    () => new Map((regions.data ?? []).map((r) => [r.code, r.name])),
    [regions.data],
  );

  if (list.error && isForbidden(list.error)) return <ForbiddenResult />;

  /** The rows the table shows (all pages), with the table's columns. */
  const exportOrgs = () =>
    exportRows<Org>({
      filename: exportFileName(t('orgs.title')),
      sheetName: t('orgs.title'),
      rows: list.data ?? [],
      columns: [
        { header: t('orgs.code'), width: 14, value: (o) => o.code },
        { header: t('orgs.name'), width: 30, value: (o) => o.name },
        { header: t('orgs.kind'), width: 26, value: (o) => t(`orgKinds.${o.kind}`) },
        { header: t('orgs.region'), width: 16, value: (o) => regionName.get(o.regionCode) ?? '' },
        { header: t('orgs.regionCode'), width: 12, value: (o) => o.regionCode },
        { header: t('orgs.creditCode'), width: 24, value: (o) => o.creditCode ?? '' },
        { header: t('common.createdAt'), width: 20, value: (o) => formatDateTime(o.createdAt) },
      ],
    });

  const columns: TableColumnsType<Org> = [
    {
      title: t('orgs.code'),
      dataIndex: 'code',
      width: 120,
      render: (code: string) => <Mono>{code}</Mono>,
    },
    { title: t('orgs.name'), dataIndex: 'name', width: 220, ellipsis: true },
    {
      title: t('orgs.kind'),
      dataIndex: 'kind',
      width: 190,
      render: (k: OrgKind) => <OrgKindTag kind={k} />,
    },
    {
      title: t('orgs.region'),
      dataIndex: 'regionCode',
      width: 150,
      render: (code: string) => {
        const name = regionName.get(code);
        return name ? (
          <span>
            {name} <Typography.Text type="secondary">{code}</Typography.Text>
          </span>
        ) : (
          <Mono>{code}</Mono>
        );
      },
    },
    {
      title: t('orgs.creditCode'),
      dataIndex: 'creditCode',
      width: 200,
      render: (c: string | null) =>
        c ? <Mono>{c}</Mono> : <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_: unknown, org) => (
        <Button
          type="link"
          size="small"
          icon={<EditOutlined />}
          onClick={() => {
            setModal({ open: true, org });
          }}
          data-testid={`org-edit-${org.code}`}
        >
          {t('common.edit')}
        </Button>
      ),
    });
  }

  return (
    <>
      <PageHeader
        title={t('orgs.title')}
        description={t('orgs.description')}
        extra={
          canManage ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                setModal({ open: true, org: null });
              }}
              data-testid="orgs-create"
            >
              {t('orgs.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <div className="table-toolbar">
          <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
            <Select
              allowClear
              showSearch={{ filterOption: filterOptionByLabel }}
              style={{ width: 220 }}
              placeholder={t('orgs.filterRegion')}
              value={regionCode}
              onChange={(v: string | undefined) => {
                setRegionCode(v);
              }}
              loading={regions.loading}
              options={(regions.data ?? []).map((r) => ({
                value: r.code,
                label: `${r.name}（${r.code}）`,
              }))}
              data-testid="orgs-filter-region"
            />
            <Select
              allowClear
              style={{ width: 220 }}
              placeholder={t('orgs.filterKind')}
              value={kind}
              onChange={(v: OrgKind | undefined) => {
                setKind(v);
              }}
              options={ORG_KINDS.map((k) => ({ value: k, label: t(`orgKinds.${k}`) }))}
              data-testid="orgs-filter-kind"
            />
          </div>
          <Space wrap>
            <ExportButton
              onExport={exportOrgs}
              disabled={list.loading || !list.data?.length}
              testId="orgs-export"
            />
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
          </Space>
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<Org>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data ?? []}
            scroll={{ x: 1000 }}
            locale={{ emptyText: t('orgs.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="orgs-table"
          />
        )}
      </Card>
      <OrgModal
        open={modal.open}
        org={modal.org}
        regions={regions.data ?? []}
        onClose={() => {
          setModal((m) => ({ ...m, open: false }));
        }}
        onSaved={(org, created) => {
          setModal((m) => ({ ...m, open: false }));
          message.success(`${created ? t('common.created') : t('common.saved')}：${org.name}`);
          list.reload();
        }}
      />
    </>
  );
}
